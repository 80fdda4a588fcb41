// The API the preload exposes to the renderer: the renderer's only window into the app core.

/** Name under which the preload puts the API on `window`. */
export const CAIRN_API_KEY = 'cairn';

/** Platforms the desktop app ships for; anything else is reported as 'other'. */
export type CairnPlatform = 'darwin' | 'linux' | 'win32' | 'other';

export interface CairnApi {
  /** App version, from package.json at build time. */
  readonly version: string;
  readonly platform: CairnPlatform;
}

export function toCairnPlatform(platform: string): CairnPlatform {
  return platform === 'darwin' || platform === 'linux' || platform === 'win32' ? platform : 'other';
}
