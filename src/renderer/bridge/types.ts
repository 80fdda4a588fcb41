// The renderer's one door to the core: the Electron preload and `cairn serve`'s WebSocket each provide a Bridge.
import type { CoreApi, OnboardingApi } from '../../shared/core-api.js';

export type BridgeSurface = 'electron' | 'browser';

export type BridgeInfo = { version: string; platform: string; surface: BridgeSurface };

export type Bridge = {
  api: CoreApi;
  /** Account creation, usable before CoreApi has an account to serve. */
  onboarding: OnboardingApi;
  info: BridgeInfo;
  /** Connection to the core itself (the browser bridge can drop); returns an unsubscribe function. */
  onDisconnect(cb: () => void): () => void;
};
