// Types the renderer sees on window: the preload's API, absent when the UI is served to a plain browser.
import type { CairnApi } from '../shared/api.js';

declare global {
  interface Window {
    readonly cairn?: CairnApi;
  }
}

export {};
