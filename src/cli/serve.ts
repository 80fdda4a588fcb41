// `cairn serve`: owns the home like `cairn run` (lock + control socket) and serves the Cairn UI to a browser:
// the built renderer and the core's API over a WebSocket bridge, behind a token carried in the URL fragment.
// The home may hold no account yet (or not exist): the page then creates it through OnboardingApi.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireHomeLock, createHome, openHome, readLayout, type Home, type HomeSecret } from '../main/home/index.js';
import { createAccountHost } from '../main/serve/account-host.js';
import { startServeServer } from '../main/serve/server.js';
import { err, ok, type Result } from '../shared/result.js';
import { listenControlSocket, removeStaleSocket } from './control/server.js';
import type { OwnerLog } from './owner.js';
import { socketPath, type SessionOptions } from './session.js';

export type ServeOptions = Pick<SessionOptions, 'sodium' | 'backend'> & {
  dir: string;
  host: string;
  port: number;
  /** Asked after the lock is taken; `confirm` (a new home) asks twice on a terminal. */
  secret: (options: { confirm: boolean }) => Promise<Result<HomeSecret, string>>;
  /** Read for CAIRN_KDF_FAST when the home is created here. */
  env: Record<string, string | undefined>;
  log: OwnerLog;
  /** Resolves with the signal's name when the process is asked to stop. */
  stopSignal: Promise<string>;
  /** The built renderer, holding index.html (default: out/renderer of this package). */
  rendererDir: string;
  /** Writes to stdout: the URL line, and nothing else. */
  print: (text: string) => Promise<void>;
  version: string;
};

/** out/renderer beside the package.json this file belongs to (src/cli in tests, dist/src/cli when built). */
export function defaultRendererDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'out', 'renderer');
  }
  return join(process.cwd(), 'out', 'renderer');
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Runs until stopSignal resolves; an error Result when the UI is not built or the home cannot be owned. */
export async function runServe(options: ServeOptions): Promise<Result<{ signal: string; url: string }, string>> {
  const { dir, log, rendererDir } = options;
  if (!existsSync(join(rendererDir, 'index.html'))) {
    return err('UI_NOT_BUILT', `the web UI is not built (${join(rendererDir, 'index.html')} is missing): run npm run build:app`);
  }
  const layout = readLayout(dir);
  if (!layout.ok && layout.code !== 'NOT_INITIALIZED') return layout;
  if (!layout.ok) mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The lock first, as in `cairn run`: a second owner is refused before anyone is asked for a passphrase.
  const lock = acquireHomeLock(dir);
  if (!lock.ok) return err('HOME_BUSY', `${lock.message}; cairn commands on this home go through it`);
  const cleanup: Array<() => Promise<void> | void> = [() => lock.value.release()];
  const unwind = async (): Promise<void> => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const secret = await options.secret({ confirm: !layout.ok });
    if (!secret.ok) return secret;
    const sodium = await options.sodium();
    removeStaleSocket(socketPath(dir));
    const opened: Result<Home, string> = layout.ok ? openHome({ dir, sodium, ...secret.value }) : createHome({ dir, sodium, env: options.env, ...secret.value });
    if (!opened.ok) return opened;
    const home = opened.value;
    cleanup.push(() => home.close());
    const backend = await options.backend();
    if (!backend.ok) return backend;

    const host = createAccountHost({ home, sodium, factory: backend.value, log, onStarted: () => log.info({ home: dir }, 'core started') });
    cleanup.push(() => host.stop());
    const started = await host.open();
    if (!started.ok) return started;
    const control = await listenControlSocket({ path: socketPath(dir), core: host.api, onError: (e) => log.error({ err: String(e) }, 'a control request failed') });
    if (!control.ok) return control;
    cleanup.push(() => control.value.close());
    const server = await startServeServer({ host: options.host, port: options.port, rendererDir, core: host.api, onboarding: host.onboarding, info: { version: options.version, platform: process.platform }, log });
    if (!server.ok) return server;
    cleanup.push(() => server.value.close());
    const unsubscribe = host.api.on('status', (s) => log.info({ online: s.online, outbox: s.outbox }, 'status'));
    cleanup.push(unsubscribe);

    await options.print(`${server.value.url}\n`);
    if (!LOOPBACK.has(options.host)) log.warn({ host: options.host }, 'serving beyond loopback over plain HTTP: the token travels unencrypted on the network');
    log.info({ home: dir, origin: server.value.origin, account: started.value.hasAccount, socket: control.value.path }, 'serving');
    const signal = await options.stopSignal;
    log.info({ signal }, 'shutting down');
    return ok({ signal, url: server.value.url });
  } finally {
    await unwind();
  }
}
