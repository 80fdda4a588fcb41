// Placeholder until the Electron and browser transports land: there is no bridge yet, and App shows why.
import type { Bridge } from './types.js';

/** Error name App recognises to show the "no bridge" screen rather than a generic failure. */
export const NO_BRIDGE = 'NoBridgeError';

export async function connectBridge(): Promise<Bridge> {
  const error = new Error('No bridge to the Cairn core: this build of the UI has no transport (neither the Electron preload nor `cairn serve`).');
  error.name = NO_BRIDGE;
  throw error;
}
