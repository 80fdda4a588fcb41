// @y/websocket-server 0.1.1 as its own bin runs it (http server + ws noServer + setupWSConnection, with the
// `ws` that package resolves), except that it listens on 127.0.0.1 port 0 and prints the real port.
import http from 'node:http';
import { createRequire } from 'node:module';
import { setupWSConnection } from '@y/websocket-server/utils';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

type UpgradeServer = {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: unknown) => void): void;
  emit(event: 'connection', ws: unknown, request: IncomingMessage): boolean;
  on(event: 'connection', listener: (ws: unknown, request: IncomingMessage) => void): void;
};
type WsModule = { Server: new (options: { noServer: true }) => UpgradeServer };

const requireFromPackage = createRequire(import.meta.resolve('@y/websocket-server/utils'));
const WebSocket = requireFromPackage('ws') as WsModule;

const wss = new WebSocket.Server({ noServer: true });
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
wss.on('connection', setupWSConnection as (ws: unknown, request: IncomingMessage) => void);
server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address !== null) process.stdout.write(`y-websocket-server listening on ws://127.0.0.1:${address.port}\n`);
});
const stop = (): never => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
