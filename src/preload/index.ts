// Sandboxed preload: exposes one frozen, typed API object (window.cairn) and nothing else: no ipcRenderer,
// no channel names. In the passphrase window it exposes nothing and only wires that page's form.
import { contextBridge, ipcRenderer } from 'electron';
import { CAIRN_API_KEY, toCairnPlatform } from '../shared/api.js';
import { IPC_CALL, IPC_EVENT, IPC_UNLOCK, UNLOCK_WINDOW_ARG, type IpcReply } from '../shared/bridge/electron-api.js';
import { buildPreloadApi } from './build-api.js';
import { wireUnlockForm, type UnlockDom } from './unlock-form.js';

// Replaced at build time from package.json (electron.vite.config.ts), since a sandboxed preload cannot read files.
declare const __CAIRN_VERSION__: string;
// The page's globals as far as this file uses them (the preload is typechecked with Node's libs).
declare const window: { addEventListener(type: 'DOMContentLoaded', listener: () => void): void };
declare const document: UnlockDom;

if (process.argv.includes(UNLOCK_WINDOW_ARG)) {
  window.addEventListener('DOMContentLoaded', () => wireUnlockForm(document, (request) => ipcRenderer.invoke(IPC_UNLOCK, request) as Promise<IpcReply>));
} else {
  const api = buildPreloadApi({
    invoke: (method, params) => ipcRenderer.invoke(IPC_CALL, method, params) as Promise<IpcReply>,
    // The handler drops the IpcRendererEvent, so the page never holds a reference to ipcRenderer's sender.
    listen: (handler) => void ipcRenderer.on(IPC_EVENT, (_event, name: unknown, payload: unknown) => handler(name, payload)),
    version: __CAIRN_VERSION__,
    platform: toCairnPlatform(process.platform),
    reportError: (e) => console.error('a window.cairn listener threw', e),
  });
  contextBridge.exposeInMainWorld(CAIRN_API_KEY, api);
}
