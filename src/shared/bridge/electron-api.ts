// The contract of the desktop app's IPC, typing both sides: what the preload exposes on window.cairn (one
// frozen object of named functions plus `on`), and the channels main and the preload use behind it. The
// channels never reach the page. Main validates every call with methods.ts and answers a Result.
import type { CairnPlatform } from '../api.js';
import type { CoreApi, CoreEvents, OnboardingApi, Unsubscribe } from '../core-api.js';
import type { Result } from '../result.js';
import { CORE_EVENT_NAMES } from './names.js';

/** Events main sends beside the core's own. */
export type ShellEvents = {
  /** A cairn://invite/... link was opened: show the add-contact flow with this invite code. */
  openInvite: { code: string };
  /** A notification was clicked: show this chat. */
  openChat: { chatId: string };
};
export type AppEvents = CoreEvents & ShellEvents;
export type AppEventName = keyof AppEvents;

export const SHELL_EVENT_NAMES = ['openInvite', 'openChat'] as const satisfies readonly (keyof ShellEvents)[];
export const APP_EVENT_NAMES: readonly AppEventName[] = [...CORE_EVENT_NAMES, ...SHELL_EVENT_NAMES];

/** window.cairn in the desktop app. */
export type PreloadApi = Omit<CoreApi, 'on'> &
  OnboardingApi & {
    readonly version: string;
    readonly platform: CairnPlatform;
    on<K extends AppEventName>(event: K, listener: (payload: AppEvents[K]) => void): Unsubscribe;
  };

/** invoke(IPC_CALL, method, params) answers an IpcReply: the method's Result, or a bridge error. */
export const IPC_CALL = 'cairn:call';
/** main → window: send(IPC_EVENT, name, payload) for every AppEvents entry. */
export const IPC_EVENT = 'cairn:event';
/** invoke(IPC_UNLOCK, {passphrase}) from the passphrase window only. */
export const IPC_UNLOCK = 'cairn:unlock';
/** Appended to the passphrase window's process.argv, so the shared preload wires that form instead. */
export const UNLOCK_WINDOW_ARG = '--cairn-unlock-window';

export type IpcReply = Result<unknown, string>;
export type UnlockRequest = { passphrase: string };
