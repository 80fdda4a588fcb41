// The HTTP side of `cairn serve`: the built renderer as static files and the WebSocket bridge at /bridge,
// behind the Host and Origin checks of http-guard.ts on every request and upgrade.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { CoreApi, OnboardingApi } from '../../shared/core-api.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { CoreLogger } from '../sync/logger.js';
import { createBridgeSockets, type BridgeInfo, type BridgeSockets } from './bridge-socket.js';
import { isAllowedHost, isAllowedOrigin, urlHost } from './http-guard.js';
import { securityHeaders, sendText, serveStatic } from './static-files.js';
import { newAccessToken } from './token.js';

export const BRIDGE_PATH = '/bridge';

export type ServeServerOptions = {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (out/renderer), holding index.html. */
  rendererDir: string;
  core: CoreApi;
  onboarding: OnboardingApi;
  info: BridgeInfo;
  log: CoreLogger;
  /** Default: 32 fresh random bytes. */
  token?: string;
  authTimeoutMs?: number;
};

export type ServeServer = {
  /** The page with its token: http://HOST:PORT/#token=... */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  sockets(): number;
  close(): Promise<void>;
};

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Why a request may not proceed, or null: Host must name this server; Origin, if present (required for upgrades), must be its own. */
function refusal(req: IncomingMessage, port: number, host: string, upgrade: boolean): string | null {
  const hostHeader = header(req, 'host');
  if (!isAllowedHost(hostHeader, { host, port })) return 'foreign Host';
  if (!isAllowedOrigin(header(req, 'origin'), hostHeader!, upgrade)) return 'foreign Origin';
  return null;
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  const headers = Object.entries({ ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\n${headers}\r\n${body}`);
}

function listen(server: Server, port: number, host: string): Promise<Error | null> {
  return new Promise((resolve) => {
    const onError = (e: Error) => resolve(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(null);
    });
  });
}

export async function startServeServer(options: ServeServerOptions): Promise<Result<ServeServer, 'LISTEN_FAILED'>> {
  const { host, rendererDir, log } = options;
  const token = options.token ?? newAccessToken();
  let port = 0;
  let bridge: BridgeSockets | null = null;

  const server = createServer((req, res) => {
    const why = refusal(req, port, host, false);
    if (why !== null) {
      log.warn({ reason: why, method: req.method }, 'request refused');
      return sendText(res, 403, `${why}\n`);
    }
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      return sendText(res, 400, 'bad request\n');
    }
    if (pathname === BRIDGE_PATH) return sendText(res, 426, 'a WebSocket endpoint\n', { Upgrade: 'websocket' });
    serveStatic(rendererDir, req, res, pathname).catch((e: unknown) => {
      log.error({ err: String(e) }, 'serving a file failed');
      if (!res.headersSent) sendText(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const why = refusal(req, port, host, true);
    if (why !== null) {
      log.warn({ reason: why }, 'bridge upgrade refused');
      return rejectUpgrade(socket, 403, why);
    }
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== BRIDGE_PATH || bridge === null) return rejectUpgrade(socket, 404, 'not found');
    bridge.handleUpgrade(req, socket, head);
  });
  // Headers of a slow or idle client must not hold the server open forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  const failed = await listen(server, options.port, host);
  if (failed) return err('LISTEN_FAILED', `cannot listen on ${urlHost(host)}:${options.port}: ${(failed as NodeJS.ErrnoException).code ?? failed.message}`);
  port = (server.address() as AddressInfo).port;
  bridge = createBridgeSockets({ token, core: options.core, onboarding: options.onboarding, info: options.info, log, ...(options.authTimeoutMs ? { authTimeoutMs: options.authTimeoutMs } : {}) });
  // A wildcard bind is reachable locally as 127.0.0.1, which is the URL a browser here can open.
  const origin = `http://${urlHost(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${port}`;
  const sockets = bridge;
  return ok({
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    sockets: () => sockets.count(),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
