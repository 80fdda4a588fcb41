import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relayStoreAcceptance } from './acceptance.js';
import { device, hex, publish, setupTopic, storedSeqs } from './acceptance-fixtures.js';
import { EXPIRE_CHUNK, openSqliteStore } from './sqlite.js';
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
}, { persistent: true });

describe('relay SQLite store: expiry in bounded transactions', () => {
  it('expires a backlog larger than one chunk, merging gaps and keeping counters right', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-expire-'));
    const store = await openSqliteStore({ path: join(dir, 'relay.sqlite') });
    try {
      const topic = await setupTopic(store, 1, [1, 2]);
      const total = EXPIRE_CHUNK * 2 + 37;
      const senders = Array.from({ length: total }, (_, i) => (i % 3 === 0 ? 1 : 3));
      for (let i = 0; i < total; i += 500) await publish(store, topic, senders.slice(i, i + 500), 1_000);
      await publish(store, topic, [3], 9_000);
      const early = await store.ack([{ topic, device: device(2), seq: 10 }]); // deletes device 1's 1, 4, 7, 10
      expect(early[0]!.deleted).toEqual([1, 4, 7, 10]);
      const r = await store.expire(2_000);
      expect(r.deleted).toHaveLength(1);
      expect(r.deleted[0]!.seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1).filter((s) => s > 10 || s % 3 !== 1));
      const gaps = r.gapped.map((g) => `${hex(g.device)} ${g.fromSeq}-${g.toSeq}`).sort();
      // Device 1 sent every third update (seq 1, 4, ...): its gap starts at 2; device 2 had acked 10.
      expect(gaps).toEqual([`${hex(device(1))} 2-${total}`, `${hex(device(2))} 11-${total}`].sort());
      expect(await store.getTopic(topic)).toMatchObject({ headSeq: total + 1, storedUpdates: 1 });
      expect((await store.getRegistration(topic, device(1)))?.gapFrom).toBe(2);
      expect(await store.stats()).toMatchObject({ storedUpdates: 1, storedBytes: (await store.readAfter(topic, 0, 10))[0]!.payload.length });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('relay SQLite store: cached cursors follow commits only', () => {
  it('keeps the cursors and floor of a rolled-back ack batch out of its cache, and sees registrations made since', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-cursors-'));
    const path = join(dir, 'relay.sqlite');
    const store = await openSqliteStore({ path });
    // A second connection plays the failure: a trigger that aborts any deletion from updates.
    const other = new Database(path);
    try {
      const topic = await setupTopic(store, 1, [1, 2]);
      await publish(store, topic, [3, 3, 3]);
      expect(await store.cursorFloor(topic)).toMatchObject({ min: 0, second: 0 }); // loads the cache
      other.exec("CREATE TRIGGER no_delete BEFORE DELETE ON updates BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
      await expect(store.ack([{ topic, device: device(1), seq: 3 }, { topic, device: device(2), seq: 3 }])).rejects.toThrow(/disk on fire/);
      expect((await store.getRegistration(topic, device(1)))?.cursor).toBe(0);
      expect(await store.cursorFloor(topic)).toMatchObject({ min: 0, second: 0 });
      other.exec('DROP TRIGGER no_delete');
      // Device 1 alone moving deletes nothing: the cache must still hold device 2 at 0, not the rolled-back 3.
      const [r1] = await store.ack([{ topic, device: device(1), seq: 3 }]);
      expect(r1).toMatchObject({ cursor: 3, deleted: [], floor: { min: 0, second: 3 } });
      expect(hex(r1!.floor.minDevice!)).toBe(hex(device(2)));
      // A device registered after the cache was filled holds the floor down.
      await store.register(topic, [device(4)], 0);
      const [r2] = await store.ack([{ topic, device: device(2), seq: 3 }]);
      expect(r2).toMatchObject({ cursor: 3, deleted: [], floor: { min: 0, second: 3 } });
      expect(hex(r2!.floor.minDevice!)).toBe(hex(device(4)));
      // Once it is gone again, everything is deletable.
      const gone = await store.unregister(topic, [device(4)]);
      expect(gone.deleted).toEqual([1, 2, 3]);
      expect(await storedSeqs(store, topic)).toEqual([]);
      expect(await store.cursorFloor(topic)).toMatchObject({ min: 3, second: 3 });
    } finally {
      other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
