// The desktop app's home (<userData>/home): locked like any Cairn home (so `cairn` commands on it are refused
// while the app runs), created or opened with the planned secret, then wrapped in an account host whose core
// starts when the home holds an account. Node only.
import { mkdirSync } from 'node:fs';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { err, ok, type Result } from '../../shared/result.js';
import { acquireHomeLock, createHome, openHome, type Home, type HomeLock, type HomeSecret } from '../home/index.js';
import type { CoreLogger } from '../sync/logger.js';
import { createAccountHost, type AccountHost, type CoreFactory, type HostedCore } from '../serve/account-host.js';

export type DesktopHome = { home: Home; host: AccountHost; close(): Promise<void> };

export function lockDesktopHome(dir: string): Result<HomeLock, 'HOME_BUSY'> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return acquireHomeLock(dir);
}

/** Opens (or creates) the home with the secret; WRONG_PASSPHRASE leaves everything as it was, for another try. */
export async function openDesktopHome(options: {
  dir: string;
  secret: HomeSecret;
  createHome: boolean;
  sodium: Sodium;
  factory: CoreFactory;
  log: CoreLogger;
  env?: Record<string, string | undefined>;
  onStarted?: (core: HostedCore) => void;
}): Promise<Result<DesktopHome, string>> {
  const { dir, sodium } = options;
  const opened = options.createHome ? createHome({ dir, sodium, env: options.env ?? {}, ...options.secret }) : openHome({ dir, sodium, ...options.secret });
  if (!opened.ok) return opened;
  const home = opened.value;
  const host = createAccountHost({ home, sodium, factory: options.factory, log: options.log, ...(options.onStarted ? { onStarted: options.onStarted } : {}) });
  try {
    const started = await host.open();
    if (!started.ok) {
      home.close();
      return err(started.code, started.message);
    }
  } catch (e) {
    home.close();
    throw e;
  }
  return ok({
    home,
    host,
    async close() {
      try {
        await host.stop();
      } finally {
        home.close();
      }
    },
  });
}
