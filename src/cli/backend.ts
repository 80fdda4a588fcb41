// The core functions the CLI needs, behind one small type so the CLI layer can be tested with a fake core.
import { createCore, initAccount, loadIdentity, silentLogger, type CoreLogger } from '../main/core/index.js';
import type { Home } from '../main/home/index.js';
import type { Sodium } from '../shared/crypto/sodium.js';
import type { CoreApi } from '../shared/core-api.js';
import { err, ok, type Result } from '../shared/result.js';
import { coreFactory, type CoreFactory } from '../main/serve/core-factory.js';

/** A core this process runs: CoreApi plus its lifecycle. */
export type Core = CoreApi & { start(): Promise<unknown> | unknown; stop(): Promise<unknown> | unknown };

export type CoreBackend = {
  /** Whether the home holds an account (an `init` interrupted after creating the home holds none). */
  hasAccount(options: { home: Home; sodium: Sodium }): boolean;
  /** Creates the account and this device in a home without one. */
  initAccount(options: { home: Home; sodium: Sodium; name: string; relays: string[] }): Promise<Result<{ accountId: string; deviceId: string }, string>>;
  createCore(options: { home: Home; sodium: Sodium; log?: CoreLogger }): Promise<Result<Core, string>>;
  /** The new device's side of a link, for `cairn serve`'s onboarding. */
  requestLink?: CoreFactory['requestLink'];
};

const realBackend: CoreBackend = {
  hasAccount: ({ home, sodium }) => loadIdentity(home.vault, sodium) !== null,
  async initAccount(options) {
    const r = await initAccount(options);
    return r.ok ? ok({ accountId: r.value.accountId, deviceId: r.value.deviceId }) : r;
  },
  async createCore({ home, sodium, log }) {
    if (loadIdentity(home.vault, sodium) === null) return err('NO_ACCOUNT', `${home.dir} holds no account (its init was interrupted): run cairn init again`);
    return ok(await createCore({ home, sodium, log: log ?? silentLogger }));
  },
  requestLink: coreFactory.requestLink!,
};

/** The real core (src/main/core). */
export async function loadCoreBackend(): Promise<Result<CoreBackend, 'INTERNAL'>> {
  return ok(realBackend);
}
