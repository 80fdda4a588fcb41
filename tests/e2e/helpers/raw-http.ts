// Requests a browser would never let a page make: any Host, any Origin, straight from Node.
import { request } from 'node:http';
import WebSocket from 'ws';

export type RawAnswer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

export function rawGet(port: number, path: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket to /bridge with these headers: the HTTP status of a refused upgrade, or the open socket. */
export function rawSocket(port: number, headers: Record<string, string>): Promise<{ refused: number } | { socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/bridge`, { headers });
    socket.once('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('open', () => resolve({ socket }));
    socket.once('error', (e) => reject(e));
  });
}

/** Sends one text frame and resolves with the next one (or the close code if the server closes first). */
export function exchange(socket: WebSocket, text: string): Promise<{ frame: string } | { closed: number }> {
  return new Promise((resolve) => {
    socket.once('message', (data) => resolve({ frame: String(data) }));
    socket.once('close', (code) => resolve({ closed: code }));
    socket.send(text);
  });
}

export function closeCode(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) resolve(-1);
    else socket.once('close', (code) => resolve(code));
  });
}
