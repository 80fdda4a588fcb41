// The other side of the control socket: a CoreApi whose calls run in the process that owns the home.
import { createConnection, type Socket } from 'node:net';
import type { CoreApi } from '../../shared/core-api.js';
import { err, ok, type Result } from '../../shared/result.js';
import { MAX_SOCKET_PATH_BYTES } from './server.js';
import { encodeLine, parseResponse, type ControlMethod } from './protocol.js';

export type RemoteCore = CoreApi & {
  /** Any method of the allow-list, unchecked (the owner validates): for tools and tests. */
  call(method: ControlMethod | string, params: unknown[]): Promise<Result<unknown, string>>;
  ping(): Promise<Result<{ protocol: number; pid: number }, string>>;
  close(): void;
};

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Connects to an owner: null when none listens (no socket file, or a stale one), an error for anything else. */
export function connectControl(path: string): Promise<Result<RemoteCore | null, 'SOCKET_FAILED'>> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) return Promise.resolve(ok(null)); // no owner can listen there
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const onError = (e: Error) => {
      socket.destroy();
      const code = errno(e);
      if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK') resolve(ok(null));
      else resolve(err('SOCKET_FAILED', `cannot connect to ${path}: ${code ?? e.message}`));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(ok(remoteCore(socket, path)));
    });
  });
}

function remoteCore(socket: Socket, path: string): RemoteCore {
  const pending = new Map<number, (result: Result<unknown, string>) => void>();
  let nextId = 1;
  let closed: string | null = null;
  const failAll = (reason: string): void => {
    if (closed === null) closed = reason;
    for (const settle of pending.values()) settle(err('INTERNAL', reason));
    pending.clear();
  };
  socket.setEncoding('utf8');
  let buffer = '';
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const response = parseResponse(line);
      if (response === null || typeof response.id !== 'number') {
        // A reply without our id is a protocol error the owner reports for the connection as a whole.
        failAll(response && !response.result.ok ? `${response.result.code}: ${response.result.message}` : `unreadable answer on ${path}`);
        socket.destroy();
        return;
      }
      const settle = pending.get(response.id);
      pending.delete(response.id);
      settle?.(response.result);
    }
  });
  socket.on('error', (e) => failAll(`the connection to ${path} failed: ${errno(e) ?? e.message}`));
  socket.on('close', () => failAll(`the process owning the home closed ${path} before answering`));

  const call = (method: string, params: unknown[]): Promise<Result<unknown, string>> => {
    if (closed !== null) return Promise.resolve(err('INTERNAL', closed));
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.write(encodeLine({ id, method, params }));
    });
  };
  // The owner validated the request and its core typed the value; its error codes are the core's own.
  return {
    call,
    ping: () => call('ping', []) as Promise<Result<{ protocol: number; pid: number }, string>>,
    close: () => socket.end(),
    whoami: () => call('whoami', []) as ReturnType<CoreApi['whoami']>,
    invite: () => call('invite', []) as ReturnType<CoreApi['invite']>,
    setProfile: (profile) => call('setProfile', [profile]) as ReturnType<CoreApi['setProfile']>,
    addContact: (code) => call('addContact', [code]) as ReturnType<CoreApi['addContact']>,
    contacts: () => call('contacts', []) as ReturnType<CoreApi['contacts']>,
    createChat: (options) => call('createChat', [options]) as ReturnType<CoreApi['createChat']>,
    chats: () => call('chats', []) as ReturnType<CoreApi['chats']>,
    acceptRequest: (chatId) => call('acceptRequest', [chatId]) as ReturnType<CoreApi['acceptRequest']>,
    blockRequest: (chatId) => call('blockRequest', [chatId]) as ReturnType<CoreApi['blockRequest']>,
    send: (chatId, text, options) => call('send', options === undefined ? [chatId, text] : [chatId, text, options]) as ReturnType<CoreApi['send']>,
    editMessage: (chatId, messageId, text) => call('editMessage', [chatId, messageId, text]) as ReturnType<CoreApi['editMessage']>,
    deleteMessage: (chatId, messageId) => call('deleteMessage', [chatId, messageId]) as ReturnType<CoreApi['deleteMessage']>,
    messages: (chatId, options) => call('messages', options === undefined ? [chatId] : [chatId, options]) as ReturnType<CoreApi['messages']>,
    markRead: (chatId, messageId) => call('markRead', [chatId, messageId]) as ReturnType<CoreApi['markRead']>,
    search: (query, options) => call('search', options === undefined ? [query] : [query, options]) as ReturnType<CoreApi['search']>,
    exportChat: (chatId, format) => call('exportChat', [chatId, format]) as ReturnType<CoreApi['exportChat']>,
    status: () => call('status', []) as ReturnType<CoreApi['status']>,
    sync: (options) => call('sync', options === undefined ? [] : [options]) as ReturnType<CoreApi['sync']>,
    addRelay: (url) => call('addRelay', [url]) as ReturnType<CoreApi['addRelay']>,
    removeRelay: (url) => call('removeRelay', [url]) as ReturnType<CoreApi['removeRelay']>,
    devices: () => call('devices', []) as ReturnType<CoreApi['devices']>,
    approveLink: (code, options) => call('approveLink', options === undefined ? [code] : [code, options]) as ReturnType<CoreApi['approveLink']>,
    confirmLink: (linkId, accept, options) => call('confirmLink', options === undefined ? [linkId, accept] : [linkId, accept, options]) as ReturnType<CoreApi['confirmLink']>,
    backfillProgress: () => call('backfillProgress', []) as ReturnType<CoreApi['backfillProgress']>,
    revokeDevice: (deviceId, options) => call('revokeDevice', options === undefined ? [deviceId] : [deviceId, options]) as ReturnType<CoreApi['revokeDevice']>,
    chatSyncStatus: (chatId) => call('chatSyncStatus', [chatId]) as ReturnType<CoreApi['chatSyncStatus']>,
    // Events stay in the owning process; the CLI's one-shot commands never subscribe.
    on: () => () => {},
  };
}
