// The owning process's side of the control socket: a unix socket at <home>/cairn.sock, mode 0600, that runs
// validated requests against the process's core. Only the holder of the home lock may listen on it.
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { CoreApi } from '../../shared/core-api.js';
import { err, ok, type Result } from '../../shared/result.js';
import { CONTROL_PROTOCOL, MAX_REQUEST_BYTES, encodeLine, parseRequest, type ControlResponse } from './protocol.js';

export type ControlServer = {
  readonly path: string;
  /** Stops listening, ends every connection and removes the socket file. */
  close(): Promise<void>;
};

export type ControlServerError = 'SOCKET_FAILED';

/** Linux's sun_path holds 108 bytes with the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

export type ControlServerOptions = {
  path: string;
  core: CoreApi;
  /** Called for requests that threw (a core bug): the client gets INTERNAL. */
  onError?: (error: unknown) => void;
};

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Removes a socket file nobody listens on. Call it only while holding the home lock, so no owner can be starting. */
export function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw e;
  }
}

function listen(server: Server, path: string): Promise<Error | null> {
  return new Promise((resolve) => {
    const onError = (e: Error) => resolve(e);
    server.once('error', onError);
    // umask is process-wide, so it is narrowed only around the synchronous bind inside listen().
    const old = process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', onError);
        resolve(null);
      });
    } finally {
      process.umask(old);
    }
  });
}

/** Listens on path (which the caller has cleared with removeStaleSocket) with mode 0600, checked after chmod. */
export async function listenControlSocket(options: ControlServerOptions): Promise<Result<ControlServer, ControlServerError>> {
  const { path, core } = options;
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    return err('SOCKET_FAILED', `the socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes; use a shorter --home`);
  }
  const connections = new Set<Socket>();
  const server = createServer((socket) => serveConnection(socket, core, options.onError, connections));
  const failed = await listen(server, path);
  if (failed) return err('SOCKET_FAILED', `cannot listen on ${path}: ${errno(failed) ?? failed.message}`);
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const c of connections) c.destroy();
      server.close(() => resolve());
      try {
        unlinkSync(path);
      } catch (e) {
        if (errno(e) !== 'ENOENT') throw e;
      }
    });
  try {
    chmodSync(path, 0o600);
    const st = lstatSync(path);
    if (!st.isSocket() || (st.mode & 0o777) !== 0o600) throw new Error(`mode ${(st.mode & 0o777).toString(8)}`);
  } catch (e) {
    await close();
    return err('SOCKET_FAILED', `cannot make ${path} private (0600): ${(e as Error).message}`);
  }
  return ok({ path, close });
}

function serveConnection(socket: Socket, core: CoreApi, onError: ((error: unknown) => void) | undefined, connections: Set<Socket>): void {
  connections.add(socket);
  socket.on('close', () => connections.delete(socket));
  socket.on('error', () => socket.destroy());
  socket.setEncoding('utf8');
  const ping = () => ({ protocol: CONTROL_PROTOCOL, pid: process.pid });
  const reply = (response: ControlResponse): void => {
    if (!socket.destroyed && socket.writable) socket.write(encodeLine(response));
  };
  const handle = async (line: string): Promise<void> => {
    const request = parseRequest(line, ping);
    if ('error' in request) return reply({ id: request.id, result: request.error });
    try {
      reply({ id: request.id, result: await request.call(core) });
    } catch (e) {
      onError?.(e);
      reply({ id: request.id, result: err('INTERNAL', `the core failed: ${(e as Error).message ?? String(e)}`) });
    }
  };
  let buffer = '';
  let refused = false;
  socket.on('data', (chunk: string) => {
    if (refused) return;
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() !== '') void handle(line);
    }
    // Counted in UTF-16 units, which is cheap and never more than the line's bytes.
    if (buffer.length > MAX_REQUEST_BYTES) {
      refused = true;
      buffer = '';
      reply({ id: null, result: err('BAD_REQUEST', `a request line is longer than ${MAX_REQUEST_BYTES} bytes`) });
      socket.end();
    }
  });
}
