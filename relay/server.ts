// createRelay: HTTP (/healthz, /metrics, /stats) and the WebSocket relay on one port, plus the
// maintenance timer (TTL expiry, idle topics) and an orderly close.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { Batcher } from './batcher.js';
import { Connection } from './connection.js';
import { expireUpdates } from './deletions.js';
import { resolveSettings } from './core.js';
import type { RelayCore, RelayOptions } from './core.js';
import { Hub } from './hub.js';
import { Metrics, renderPrometheus, renderStats } from './metrics.js';
import { DeferredFrames } from './deferred-frames.js';
import type { Gauges } from './metrics.js';
import { chooseWire } from './wire.js';

export type Relay = {
  /** ws://host:port with the real port. */
  url: string;
  port: number;
  /** Stops accepting, commits what is pending, closes every socket with CLOSING{SHUTDOWN}. Leaves the store open. */
  close(): Promise<void>;
};

/** How long close() waits for clients to answer the close handshake before cutting sockets. */
const CLOSE_GRACE_MS = 2000;

export async function createRelay(options: RelayOptions): Promise<Relay> {
  const settings = resolveSettings(options);
  const { store, sodium } = options;
  const log = options.logger ?? pino({ enabled: false });
  const metrics = new Metrics();
  const hub = new Hub(store, settings);
  const wire = chooseWire();
  const batcher = new Batcher({ store, settings, metrics, hub, log, wire });
  const deferrals = new DeferredFrames(settings.controlFrameDelayMs);
  const core: RelayCore = { settings, store, sodium, storeId: await store.storeId(), metrics, hub, batcher, log, wire, deferrals, closing: false };

  async function gauges(): Promise<Gauges> {
    const stats = await store.stats();
    return { connections: hub.connections.size, topics: stats.topics, storedUpdates: stats.storedUpdates, storedBytes: stats.storedBytes, devicesOnline: hub.devices.size };
  }

  function answer(res: ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return answer(res, 404, 'text/plain', 'not found\n');
    if (path === '/healthz') return answer(res, 200, 'text/plain', 'ok');
    if (path !== '/metrics' && path !== '/stats') return answer(res, 404, 'text/plain', 'not found\n');
    gauges().then(
      (g) => (path === '/stats' ? answer(res, 200, 'application/json', renderStats(g)) : answer(res, 200, 'text/plain; version=0.0.4', renderPrometheus(metrics, g))),
      (error: unknown) => {
        log.error({ err: error }, 'store stats failed');
        answer(res, 500, 'text/plain', 'store unavailable\n');
      },
    );
  }

  const http = createServer(onRequest);
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.hardFrameBytes, perMessageDeflate: false, clientTracking: false });

  function onConnection(ws: WebSocket): void {
    const conn = new Connection(core, ws);
    hub.connections.add(conn);
    ws.on('message', (data, isBinary) => conn.onMessage(data as Buffer, isBinary));
    ws.on('close', () => conn.detach());
    // ws closes the socket after an error (1009 for frames over the hard cap); 'close' follows.
    ws.on('error', (error) => log.debug({ err: error }, 'socket error'));
  }

  http.on('upgrade', (req, socket, head) => {
    if (core.closing) return socket.destroy();
    wss.handleUpgrade(req, socket, head, onConnection);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(settings.port, settings.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;

  let maintaining = false;
  async function maintain(): Promise<void> {
    if (maintaining || core.closing) return;
    maintaining = true;
    try {
      await expireUpdates(batcher, batcher.deps, Date.now() - settings.ttlMs);
      hub.sweep(Date.now());
    } catch (error) {
      log.error({ err: error }, 'maintenance failed');
    } finally {
      maintaining = false;
    }
  }
  const timer = setInterval(() => void maintain(), settings.maintenanceIntervalMs);
  timer.unref();
  void maintain();

  let closed: Promise<void> | null = null;
  async function close(): Promise<void> {
    core.closing = true;
    clearInterval(timer);
    const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
    await batcher.idle();
    deferrals.flush();
    const open = [...hub.connections];
    const sockets = open.map((conn) => {
      const ws = conn.ws;
      const done = new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())));
      conn.close('SHUTDOWN', 'relay shutting down');
      return done;
    });
    const grace = setTimeout(() => {
      for (const conn of open) conn.ws.terminate();
    }, CLOSE_GRACE_MS);
    await Promise.all(sockets);
    clearTimeout(grace);
    http.closeAllConnections();
    await httpClosed;
    await batcher.idle();
  }

  return {
    url: `ws://${host}:${port}`,
    port,
    close: () => (closed ??= close()),
  };
}
