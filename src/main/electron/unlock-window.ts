// The passphrase window: shown instead of the app when the home is protected by a passphrase (safeStorage
// falls back to plain text, or the home was created that way). Only this window's top frame may call
// IPC_UNLOCK; the passphrase is checked by opening the home.
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { IPC_UNLOCK, UNLOCK_WINDOW_ARG, type IpcReply } from '../../shared/bridge/electron-api.js';
import { err, ok, type Result } from '../../shared/result.js';
import { unlockPageUrl } from './unlock-page.js';

const request = z.object({ passphrase: z.string().min(1).max(4096) }).strict();

const FRIENDLY: Record<string, string> = {
  WRONG_PASSPHRASE: 'Wrong passphrase.',
  EMPTY_PASSPHRASE: 'Enter a passphrase.',
};

/** Resolves with what tryUnlock produced, or null when the user closed the window. */
export function askPassphrase<T>(options: { createHome: boolean; reason: string; preload: string; tryUnlock(passphrase: string): Promise<Result<T, string>> }): Promise<T | null> {
  const window = new BrowserWindow({
    width: 440,
    height: options.createHome ? 420 : 340,
    resizable: false,
    title: 'Unlock Cairn',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      additionalArguments: [UNLOCK_WINDOW_ARG],
    },
  });
  return new Promise<T | null>((resolve) => {
    let done = false;
    const finish = (value: T | null): void => {
      if (done) return;
      done = true;
      ipcMain.removeHandler(IPC_UNLOCK);
      resolve(value);
      if (!window.isDestroyed()) window.close();
    };
    const fromThisWindow = (event: IpcMainInvokeEvent): boolean =>
      !window.isDestroyed() && event.sender.id === window.webContents.id && event.senderFrame !== null && event.senderFrame.parent === null && event.senderFrame.url.startsWith('data:text/html');
    ipcMain.handle(IPC_UNLOCK, async (event, raw: unknown): Promise<IpcReply> => {
      if (!fromThisWindow(event)) return err('NOT_ALLOWED', 'this frame may not unlock Cairn');
      const parsed = request.safeParse(raw);
      if (!parsed.success) return err('INVALID_ARGUMENT', 'Enter a passphrase.');
      const r = await options.tryUnlock(parsed.data.passphrase);
      if (!r.ok) return err(r.code, FRIENDLY[r.code] ?? r.message);
      finish(r.value);
      return ok(null);
    });
    window.on('closed', () => finish(null));
    void window.loadURL(unlockPageUrl(options));
  });
}
