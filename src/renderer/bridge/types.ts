// The renderer's one door to the core: the Electron preload and `cairn serve`'s WebSocket each provide a Bridge.
import type { ShellEvents } from '../../shared/bridge/electron-api.js';
import type { CoreApi, OnboardingApi } from '../../shared/core-api.js';

export type BridgeSurface = 'electron' | 'browser';

export type BridgeInfo = { version: string; platform: string; surface: BridgeSurface };

/** Events only the desktop shell sends (deep links, notification clicks). */
export type ShellBridge = { on<K extends keyof ShellEvents>(event: K, listener: (payload: ShellEvents[K]) => void): () => void };

export type Bridge = {
  api: CoreApi;
  /** Account creation, usable before CoreApi has an account to serve. */
  onboarding: OnboardingApi;
  info: BridgeInfo;
  /** Connection to the core itself (the browser bridge can drop); returns an unsubscribe function. */
  onDisconnect(cb: () => void): () => void;
  /** Present in the desktop app: cairn://invite links and notification clicks. */
  shell?: ShellBridge;
};
