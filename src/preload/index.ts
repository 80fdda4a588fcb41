// Sandboxed preload: exposes the typed Cairn API to the renderer and nothing else (built as CommonJS).
import { contextBridge } from 'electron';
import { CAIRN_API_KEY, toCairnPlatform, type CairnApi } from '../shared/api.js';

// Replaced at build time from package.json (electron.vite.config.ts), since a sandboxed preload cannot read files.
declare const __CAIRN_VERSION__: string;

const api: CairnApi = Object.freeze({
  version: __CAIRN_VERSION__,
  platform: toCairnPlatform(process.platform),
});

contextBridge.exposeInMainWorld(CAIRN_API_KEY, api);
