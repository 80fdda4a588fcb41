// The renderer's bridge to the core: window.cairn inside the desktop app, else `cairn serve`'s WebSocket on
// this page's own origin, authenticated by the token the served URL carried in its fragment.
import { forgetAccessToken, takeAccessToken } from './access-token.js';
import { electronBridge, preloadApi } from './electron-bridge.js';
import type { Bridge } from './types.js';
import { BridgeRefusedError, bridgeUrl, connectWebSocketBridge } from './websocket-bridge.js';

/** Error name App recognises to show the "no bridge" screen rather than a generic failure. */
export const NO_BRIDGE = 'NoBridgeError';

function noBridge(message: string): Error {
  const error = new Error(message);
  error.name = NO_BRIDGE;
  return error;
}

export async function connectBridge(): Promise<Bridge> {
  const preload = preloadApi(window as unknown as { cairn?: unknown });
  if (preload) return electronBridge(preload);
  const place = { location: window.location, history: window.history, storage: window.sessionStorage };
  const token = takeAccessToken(place);
  if (token === null) {
    throw noBridge('This page has no access token. Open the full URL that `cairn serve` printed (it ends with #token=...), or use the desktop app.');
  }
  try {
    return await connectWebSocketBridge({ url: bridgeUrl(window.location), token });
  } catch (e) {
    if (e instanceof BridgeRefusedError) {
      forgetAccessToken(place);
      throw noBridge('`cairn serve` refused this page\'s access token (was it restarted?). Open the new URL it printed.');
    }
    throw e;
  }
}
