import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayStoreAcceptance } from './acceptance.js';
import { openSqliteStore } from './sqlite.js';
import type { RelayStore } from './types.js';

relayStoreAcceptance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-store-'));
  const path = join(dir, 'relay.sqlite');
  let store: RelayStore = await openSqliteStore({ path });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await openSqliteStore({ path });
      return store;
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
