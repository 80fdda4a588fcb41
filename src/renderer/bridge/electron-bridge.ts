// The desktop app's transport: window.cairn, the one object the preload exposes over IPC.
import type { CoreApi, OnboardingApi } from '../../shared/core-api.js';
import type { PreloadApi, ShellEvents } from '../../shared/bridge/electron-api.js';
import { CORE_METHOD_NAMES, ONBOARDING_METHOD_NAMES } from '../../shared/bridge/names.js';
import type { Bridge } from './types.js';

/** What only the desktop shell sends: deep links and notification clicks. */
export type ShellBridge = { on<K extends keyof ShellEvents>(event: K, listener: (payload: ShellEvents[K]) => void): () => void };

/** window.cairn when the preload put the full API there (an older or foreign object is not taken). */
export function preloadApi(win: { cairn?: unknown }): PreloadApi | null {
  const api = win.cairn as Partial<PreloadApi> | undefined;
  if (typeof api !== 'object' || api === null) return null;
  const complete = [...CORE_METHOD_NAMES, ...ONBOARDING_METHOD_NAMES, 'on'].every((name) => typeof (api as Record<string, unknown>)[name] === 'function');
  return complete ? (api as PreloadApi) : null;
}

export function electronBridge(preload: PreloadApi): Bridge & { shell: ShellBridge } {
  // Plain delegating functions: the contextBridge proxy must not be wrapped or spread.
  const methods = Object.fromEntries(CORE_METHOD_NAMES.map((name) => [name, (...args: unknown[]) => (preload[name] as (...a: unknown[]) => unknown)(...args)])) as unknown as Omit<CoreApi, 'on'>;
  const api: CoreApi = { ...methods, on: (event, listener) => preload.on(event, listener) };
  const onboarding: OnboardingApi = {
    hasAccount: () => preload.hasAccount(),
    createAccount: (opts) => preload.createAccount(opts),
    requestLink: (opts) => preload.requestLink(opts),
    linkStatus: () => preload.linkStatus(),
    cancelLink: () => preload.cancelLink(),
  };
  return {
    api,
    onboarding,
    info: { version: preload.version, platform: preload.platform, surface: 'electron' },
    // The core lives in the app's own main process: this bridge does not drop.
    onDisconnect: () => () => {},
    shell: { on: (event, listener) => preload.on(event, listener) },
  };
}
