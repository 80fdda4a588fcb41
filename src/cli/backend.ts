// The core functions the CLI needs, behind one small type so the CLI layer can be tested with a fake core.
import type { Home } from '../main/home/index.js';
import type { Sodium } from '../shared/crypto/sodium.js';
import type { CoreApi } from '../shared/core-api.js';
import { err, type Result } from '../shared/result.js';

/** A core this process runs: CoreApi plus its lifecycle. */
export type Core = CoreApi & { start(): Promise<unknown> | unknown; stop(): Promise<unknown> | unknown };

export type CoreBackend = {
  /** Creates the account and this device in a freshly created home. */
  initAccount(options: { home: Home; sodium: Sodium; name: string; relays: string[] }): Promise<Result<{ accountId: string; deviceId: string }, string>>;
  createCore(options: { home: Home; sodium: Sodium }): Promise<Result<Core, string>>;
};

/** The real core (src/main/core). */
export async function loadCoreBackend(): Promise<Result<CoreBackend, 'INTERNAL'>> {
  return err('INTERNAL', 'this build of cairn has no client core yet (src/main/core is not built)');
}
