// `cairn serve`'s WebSocket bridge at /bridge: the same CoreApi and OnboardingApi as Electron's IPC, as JSON
// frames (src/shared/bridge/protocol.ts). A socket first presents the access token: {"id", "method": "auth",
// "params": [token]} within AUTH_TIMEOUT_MS, compared in constant time; anything else, or a wrong token,
// closes it. Core events go to every authenticated socket, each frame encoded once.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { CoreApi, OnboardingApi } from '../../shared/core-api.js';
import { dispatchCall } from '../../shared/bridge/dispatch.js';
import type { BridgeResult } from '../../shared/bridge/methods.js';
import { CORE_EVENT_NAMES } from '../../shared/bridge/names.js';
import { BRIDGE_PROTOCOL, MAX_REQUEST_BYTES, encodeEvent, encodeResponse, parseRequestFrame, type RequestId } from '../../shared/bridge/protocol.js';
import { err, ok } from '../../shared/result.js';
import type { CoreLogger } from '../sync/logger.js';
import { tokenMatches } from './token.js';

export const AUTH_TIMEOUT_MS = 5_000;
/** Close codes a page can tell apart (4000-4999 are the application's). */
export const CLOSE = { UNAUTHORIZED: 4401, AUTH_TIMEOUT: 4408, UNSUPPORTED: 1003, SHUTDOWN: 1001, OVERLOADED: 1013 } as const;
/** A socket that reads too slowly is dropped rather than buffering without bound. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export type BridgeInfo = { version: string; platform: string };

export type BridgeSocketsOptions = {
  token: string;
  core: CoreApi;
  onboarding: OnboardingApi;
  info: BridgeInfo;
  log: CoreLogger;
  authTimeoutMs?: number;
};

export type BridgeSockets = {
  /** Completes an upgrade the caller has already checked (path, Host, Origin). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Authenticated sockets now open. */
  count(): number;
  /** Closes every socket (1001) and stops forwarding events. */
  close(): void;
};

export function createBridgeSockets(options: BridgeSocketsOptions): BridgeSockets {
  const { core, onboarding, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES, perMessageDeflate: false, clientTracking: false });
  const sockets = new Set<WebSocket>();
  const authed = new Set<WebSocket>();

  const send = (ws: WebSocket, text: string): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      log.warn({ buffered: ws.bufferedAmount }, 'bridge socket reads too slowly: dropped');
      ws.terminate();
      return;
    }
    ws.send(text);
  };

  const unsubscribe = CORE_EVENT_NAMES.map((event) =>
    core.on(event, (payload) => {
      if (authed.size === 0) return;
      const frame = encodeEvent({ event, payload });
      for (const ws of authed) send(ws, frame);
    }),
  );

  const dispatch = async (method: string, params: unknown[]): Promise<BridgeResult> => {
    if (method === 'ping') return params.length === 0 ? ok({ protocol: BRIDGE_PROTOCOL }) : err('INVALID_ARGUMENT', 'ping takes no params');
    return dispatchCall({ core, onboarding }, method, params, (e) => log.error({ err: String(e), method }, 'a bridge call threw'));
  };

  const serve = (ws: WebSocket): void => {
    sockets.add(ws);
    let authenticated = false;
    const timer = setTimeout(() => ws.close(CLOSE.AUTH_TIMEOUT, 'no token presented'), options.authTimeoutMs ?? AUTH_TIMEOUT_MS);
    const reply = (id: RequestId | null, result: BridgeResult): void => send(ws, encodeResponse({ id, result }));

    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        ws.close(CLOSE.UNSUPPORTED, 'text frames only');
        return;
      }
      const request = parseRequestFrame(data.toString());
      if (!authenticated) {
        if ('error' in request || request.method !== 'auth' || !tokenMatches(request.params[0], options.token) || request.params.length !== 1) {
          if (!('error' in request)) reply(request.id, err('UNAUTHORIZED', 'a wrong or missing access token'));
          log.warn({}, 'bridge socket refused: wrong or missing token');
          ws.close(CLOSE.UNAUTHORIZED, 'unauthorized');
          return;
        }
        authenticated = true;
        clearTimeout(timer);
        authed.add(ws);
        reply(request.id, ok({ protocol: BRIDGE_PROTOCOL, ...options.info }));
        return;
      }
      if ('error' in request) {
        reply(request.id, request.error);
        return;
      }
      void dispatch(request.method, request.params).then((result) => reply(request.id, result));
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(timer);
      sockets.delete(ws);
      authed.delete(ws);
    });
  };

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, serve);
    },
    count: () => authed.size,
    close() {
      for (const u of unsubscribe) u();
      for (const ws of sockets) ws.close(CLOSE.SHUTDOWN, 'cairn serve is stopping');
      wss.close();
    },
  };
}
