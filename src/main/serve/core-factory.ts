// The real core behind an account host: src/main/core's initAccount and createCore.
import { createCore, initAccount, loadIdentity, requestLink, silentLogger } from '../core/index.js';
import { err, ok } from '../../shared/result.js';
import type { CoreFactory } from './account-host.js';

export type { CoreFactory };

export const coreFactory: CoreFactory = {
  hasAccount: ({ home, sodium }) => loadIdentity(home.vault, sodium) !== null,
  async initAccount(options) {
    const r = await initAccount(options);
    return r.ok ? ok({ accountId: r.value.accountId, deviceId: r.value.deviceId }) : r;
  },
  async createCore({ home, sodium, log }) {
    if (loadIdentity(home.vault, sodium) === null) return err('NO_ACCOUNT', `${home.dir} holds no account yet`);
    return ok(await createCore({ home, sodium, log: log ?? silentLogger }));
  },
  async requestLink(options) {
    const r = await requestLink(options);
    return r.ok ? ok({ accountId: r.value.accountId, deviceId: r.value.deviceId }) : r;
  },
};
