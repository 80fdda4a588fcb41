// `cairn run`: this process owns the home (lock + control socket), stays online, logs to stderr and exits 0
// on SIGTERM or SIGINT after closing the socket, stopping the core and releasing the lock.
import type { CoreLogger } from '../main/core/index.js';
import type { HomeSecret } from '../main/home/index.js';
import type { CoreStatus } from '../shared/core-api.js';
import { err, ok, type Result } from '../shared/result.js';
import { listenControlSocket } from './control/server.js';
import { openLocked, socketPath, type SessionOptions } from './session.js';
import { acquireHomeLock, readLayout } from '../main/home/index.js';

export type OwnerLog = CoreLogger;

export type OwnerOptions = Pick<SessionOptions, 'sodium' | 'backend'> & {
  dir: string;
  secret: () => Promise<Result<HomeSecret, string>>;
  log: OwnerLog;
  /** Resolves with the signal's name when the process is asked to stop. */
  stopSignal: Promise<string>;
};

const statusFields = (s: CoreStatus) => ({ online: s.online, outbox: s.outbox, relays: s.relays.map((r) => ({ url: r.url, connected: r.connected, lastError: r.lastError })) });

/** Runs until stopSignal resolves; an error Result when the home cannot be owned or opened. */
export async function runOwner(options: OwnerOptions): Promise<Result<{ signal: string }, string>> {
  const { dir, log } = options;
  const layout = readLayout(dir);
  if (!layout.ok) return layout;
  // The lock first: a second owner is refused before anyone is asked for a passphrase.
  const lock = acquireHomeLock(dir);
  if (!lock.ok) return err('HOME_BUSY', `${lock.message}; cairn commands on this home go through it`);
  const secret = await options.secret();
  if (!secret.ok) {
    lock.value.release();
    return secret;
  }
  const opened = await openLocked(dir, secret.value, { ...options, network: false }, lock.value);
  if (!opened.ok) return opened;
  const { home, core } = opened.value;
  const shutdown = async (): Promise<void> => {
    try {
      await core.stop();
    } finally {
      home.close();
      lock.value.release();
    }
  };

  const server = await listenControlSocket({ path: socketPath(dir), core, onError: (e) => log.error({ err: String(e) }, 'a control request failed') });
  if (!server.ok) {
    await shutdown();
    return server;
  }
  const unsubscribe = [
    core.on('status', (s) => log.info(statusFields(s), 'status')),
    core.on('messages', (m) => log.info({ chatId: m.chatId, count: m.messages.length }, 'messages')),
    core.on('chat', (c) => log.info({ chatId: c.chatId, request: c.request, unread: c.unread }, 'chat')),
    core.on('chatRemoved', (c) => log.info({ chatId: c.chatId }, 'chat removed')),
    core.on('contact', (c) => log.info({ accountId: c.accountId }, 'contact')),
  ];
  try {
    await core.start();
    const me = await core.whoami();
    log.info({ home: dir, socket: server.value.path, ...(me.ok ? { accountId: me.value.accountId, deviceId: me.value.deviceId } : {}) }, 'running');
    const signal = await options.stopSignal;
    log.info({ signal }, 'shutting down');
    return ok({ signal });
  } finally {
    for (const u of unsubscribe) u();
    await server.value.close();
    await shutdown();
  }
}
