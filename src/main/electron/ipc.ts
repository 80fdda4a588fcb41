// Main's side of the IPC contract (src/shared/bridge/electron-api.ts): one handler for every call, which
// checks the sending frame, validates the method and its arguments with the shared zod schemas and answers a
// Result; and the core's events forwarded to the window.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { dispatchCall, type BridgeTargets } from '../../shared/bridge/dispatch.js';
import { IPC_CALL, IPC_EVENT, type AppEventName, type AppEvents, type IpcReply } from '../../shared/bridge/electron-api.js';
import { CORE_EVENT_NAMES } from '../../shared/bridge/names.js';
import type { Unsubscribe } from '../../shared/core-api.js';
import { err } from '../../shared/result.js';
import type { CoreLogger } from '../sync/logger.js';
import { isTrustedSender, type AppLocation, type IpcSender } from './ipc-guard.js';

export function senderOf(event: IpcMainInvokeEvent, window: BrowserWindow | null): IpcSender {
  const frame = event.senderFrame;
  return {
    frameUrl: frame?.url ?? null,
    isMainFrame: frame !== null && frame.parent === null,
    fromAppWindow: window !== null && !window.isDestroyed() && event.sender.id === window.webContents.id,
  };
}

/** Serves IPC_CALL for the app's window (whichever window() answers at the time of the call). */
export function handleCoreCalls(options: { targets: BridgeTargets; window: () => BrowserWindow | null; app: AppLocation; log: CoreLogger }): Unsubscribe {
  const { targets, log } = options;
  ipcMain.handle(IPC_CALL, async (event, method: unknown, params: unknown): Promise<IpcReply> => {
    if (!isTrustedSender(senderOf(event, options.window()), options.app)) {
      log.warn({ url: event.senderFrame?.url ?? null }, 'IPC call from a frame that is not the app: refused');
      return err('NOT_ALLOWED', 'this frame may not call the Cairn core');
    }
    return dispatchCall(targets, method, params, (e, m) => log.error({ err: String(e), method: m }, 'an IPC call threw'));
  });
  return () => ipcMain.removeHandler(IPC_CALL);
}

/** Sends an event to the window's page, if it is there to receive it. */
export function sendToWindow<K extends AppEventName>(window: BrowserWindow | null, event: K, payload: AppEvents[K]): void {
  if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(IPC_EVENT, event, payload);
}

/** Forwards every core event to the window. */
export function forwardCoreEvents(targets: BridgeTargets, window: () => BrowserWindow | null): Unsubscribe {
  const offs = CORE_EVENT_NAMES.map((name) => targets.core.on(name, (payload) => sendToWindow(window(), name, payload)));
  return () => offs.forEach((off) => off());
}
