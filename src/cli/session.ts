// Where a command's core comes from. One process owns a home: if one listens on <home>/cairn.sock the command
// runs there; otherwise this process takes the home lock, opens the home and runs a core for the command's
// duration. So two processes never register the same device at a relay.
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { acquireHomeLock, openHome, readLayout, SOCKET_FILE, type Home, type HomeLock, type HomeSecret } from '../main/home/index.js';
import type { CoreLogger } from '../main/core/index.js';
import type { Sodium } from '../shared/crypto/sodium.js';
import type { CoreApi } from '../shared/core-api.js';
import { err, ok, type Result } from '../shared/result.js';
import type { Core, CoreBackend } from './backend.js';
import { connectControl } from './control/client.js';
import { removeStaleSocket } from './control/server.js';

export type Session = { core: CoreApi; via: 'socket' | 'direct'; close(): Promise<void> };

/** How long a command waits for a home held by another one-shot command (or an owner still starting). */
export const LOCK_WAIT_MS = 15_000;
const LOCK_POLL_MS = 50;

export type SessionOptions = {
  dir: string;
  /** Asked only when the home has to be opened here. */
  secret: () => Promise<Result<HomeSecret, string>>;
  sodium: () => Promise<Sodium>;
  backend: () => Promise<Result<CoreBackend, string>>;
  /** Start the core (connect to relays) when it runs here. */
  network: boolean;
  lockWaitMs?: number;
  /** Where a core run here logs (default: nowhere, so a command's stderr holds only its one-line error). */
  log?: CoreLogger;
};

export const socketPath = (dir: string): string => join(dir, SOCKET_FILE);

/** The owner's socket, if one answers; errors only for a socket that exists but cannot be used. */
async function viaSocket(dir: string): Promise<Result<Session | null, string>> {
  const remote = await connectControl(socketPath(dir));
  if (!remote.ok) return remote;
  const core = remote.value;
  if (core === null) return ok(null);
  return ok({ core, via: 'socket', close: async () => core.close() });
}

/** Takes the home lock, waiting (and re-trying the socket) while another process holds it. */
export async function lockOrSocket(dir: string, waitMs: number): Promise<Result<{ lock: HomeLock } | { session: Session }, string>> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = acquireHomeLock(dir);
    if (lock.ok) return ok({ lock: lock.value });
    const remote = await viaSocket(dir);
    if (!remote.ok) return remote;
    if (remote.value) return ok({ session: remote.value });
    if (Date.now() >= deadline) return err('HOME_BUSY', `${lock.message}, which did not answer on ${socketPath(dir)} within ${Math.round(waitMs / 1000)} s`);
    await delay(LOCK_POLL_MS);
  }
}

/** Opens this home's core for one command: through its owner when one runs, else here. */
export async function openSession(options: SessionOptions): Promise<Result<Session, string>> {
  const { dir } = options;
  const layout = readLayout(dir);
  if (!layout.ok) return layout;
  const first = await viaSocket(dir);
  if (!first.ok || first.value) return first as Result<Session, string>;

  const secret = await options.secret();
  if (!secret.ok) return secret;
  const held = await lockOrSocket(dir, options.lockWaitMs ?? LOCK_WAIT_MS);
  if (!held.ok) return held;
  if ('session' in held.value) return ok(held.value.session);
  const lock = held.value.lock;
  const opened = await openLocked(dir, secret.value, options, lock);
  if (!opened.ok) return opened;
  const { home, core } = opened.value;
  return ok({
    core,
    via: 'direct',
    close: async () => {
      try {
        await core.stop();
      } finally {
        home.close();
        lock.release();
      }
    },
  });
}

/** With the lock held: clears a stale socket, opens the home and creates (and maybe starts) its core. Releases the lock on failure. */
export async function openLocked(
  dir: string,
  secret: HomeSecret,
  options: Pick<SessionOptions, 'sodium' | 'backend' | 'network' | 'log'>,
  lock: HomeLock,
): Promise<Result<{ home: Home; core: Core; sodium: Sodium }, string>> {
  let home: Home | null = null;
  let handedOver = false;
  try {
    removeStaleSocket(socketPath(dir));
    const sodium = await options.sodium();
    const opened = openHome({ dir, sodium, ...secret });
    if (!opened.ok) return opened;
    home = opened.value;
    const backend = await options.backend();
    if (!backend.ok) return backend;
    const core = await backend.value.createCore(options.log ? { home, sodium, log: options.log } : { home, sodium });
    if (!core.ok) return core;
    if (options.network) {
      try {
        await core.value.start();
      } catch (e) {
        await core.value.stop();
        throw e;
      }
    }
    handedOver = true;
    return ok({ home, core: core.value, sodium });
  } finally {
    if (!handedOver) {
      home?.close();
      lock.release();
    }
  }
}
