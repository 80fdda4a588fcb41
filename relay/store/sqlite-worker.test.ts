import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { relayStoreAcceptance } from './acceptance.js';
import { device, payload, publish, setupTopic, storedSeqs, topicId } from './acceptance-fixtures.js';
import { openSqliteStore } from './sqlite.js';
import { connectStoreWorker, openSqliteWorkerStore, withCheckpointThread } from './sqlite-worker.js';
import type { RelayStore } from './types.js';

relayStoreAcceptance('sqlite-worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-worker-store-'));
  const path = join(dir, 'relay.sqlite');
  let store: RelayStore = await openSqliteWorkerStore({ path });
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await openSqliteWorkerStore({ path });
      return store;
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, { persistent: true });

/** A stand-in thread speaking the worker protocol: answers stats, never answers cursorFloor, dies soon after getTopic. */
const FAKE_THREAD = `
const { parentPort } = require('node:worker_threads');
parentPort.postMessage({ ready: true });
parentPort.on('message', (req) => {
  if (req.method === 'stats') parentPort.postMessage({ id: req.id, result: { value: { topics: 7, storedUpdates: 0, storedBytes: 0 }, bytes: null } });
  if (req.method === 'getTopic') setTimeout(() => { throw new Error('disk on fire'); }, 20);
});
`;

describe('relay SQLite store in a worker thread', () => {
  const dirs: string[] = [];
  const stores: RelayStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  async function open(checkpointEveryMs?: number): Promise<{ store: RelayStore; path: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-worker-'));
    dirs.push(dir);
    const path = join(dir, 'relay.sqlite');
    const store = await openSqliteWorkerStore({ path, checkpointEveryMs });
    stores.push(store);
    return { store, path };
  }

  it('runs calls in the order they were made, without waiting for one before sending the next', async () => {
    const { store } = await open();
    const topic = await setupTopic(store, 1, [1, 2]);
    // Not awaited in between: each call must see the effects of the ones sent before it.
    const appended = store.append([1, 2, 1, 2].map((s, i) => ({ topic, sender: device(s), payload: payload(i), createdAt: 1 })));
    const acked = store.ack([{ topic, device: device(2), seq: 3 }]);
    const seen = store.readAfter(topic, 0, 10);
    const more = store.append([{ topic, sender: device(1), payload: payload(9), createdAt: 1 }]);
    const floor = store.cursorFloor(topic);
    expect(await appended).toEqual([1, 2, 3, 4]);
    expect((await acked)[0]!.deleted).toEqual([1, 3]); // device 1's updates up to 3, now held by device 2
    expect((await seen).map((u) => u.seq)).toEqual([2, 4]);
    expect(await more).toEqual([5]);
    expect(await floor).toMatchObject({ min: 0, second: 3 });
    expect(await storedSeqs(store, topic)).toEqual([2, 4, 5]);
  });

  it('copies payloads: views into a larger buffer arrive as their own bytes, the caller keeps its arrays', async () => {
    const { store } = await open();
    const topic = await setupTopic(store, 1);
    const chunk = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const a = chunk.subarray(10, 20);
    const b = chunk.subarray(500, 503);
    await store.append([a, b].map((p) => ({ topic, sender: device(1), payload: p, createdAt: 1 })));
    expect(chunk.byteLength).toBe(1000); // not transferred away from the caller
    const read = await store.readAfter(topic, 0, 10);
    expect(read.map((u) => Array.from(u.payload))).toEqual([Array.from(a), Array.from(b)]);
    expect(read.every((u) => u.payload instanceof Uint8Array && u.sender instanceof Uint8Array)).toBe(true);
    expect(Array.from(read[0]!.topic)).toEqual(Array.from(topic));
  });

  it("rejects a failed call with the store's message and keeps serving", async () => {
    const { store } = await open();
    await expect(store.append([{ topic: topicId(9), sender: device(1), payload: payload(1), createdAt: 1 }])).rejects.toThrow(/unknown topic/);
    await expect(store.register(topicId(9), [device(1)], 0)).rejects.toThrow(/unknown topic/);
    const topic = await setupTopic(store, 1);
    expect(await publish(store, topic, [1])).toEqual([1]);
  });

  it('rejects calls after close, and close twice is harmless', async () => {
    const { store } = await open();
    await store.close();
    await store.close();
    await expect(store.stats()).rejects.toThrow(/closed/);
  });

  it('fails to open with the store error when the file cannot be a database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-worker-bad-'));
    dirs.push(dir);
    const path = join(dir, 'relay.sqlite');
    writeFileSync(path, 'this is not a database, just enough bytes to be read as a header ........................');
    await expect(openSqliteWorkerStore({ path })).rejects.toThrow(/not a database/);
  });

  it.each(['worker', 'in-thread'])('checkpoints the WAL from its own thread long before SQLite would, and leaves no WAL after close (%s store)', async (kind) => {
    let store: RelayStore;
    let path: string;
    if (kind === 'worker') ({ store, path } = await open(10));
    else {
      const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-checkpoint-'));
      dirs.push(dir);
      path = join(dir, 'relay.sqlite');
      store = withCheckpointThread(await openSqliteStore({ path }), path, 10);
    }
    const topic = await setupTopic(store, 1);
    const before = statSync(path).size;
    // ~50 pages: far below the 1000 pages at which SQLite checkpoints by itself; only a checkpoint grows the file.
    await store.append(Array.from({ length: 50 }, (_, i) => ({ topic, sender: device(1), payload: payload(i, 4000), createdAt: 1 })));
    const deadline = Date.now() + 10_000;
    while (statSync(path).size <= before + 100_000) {
      if (Date.now() > deadline) throw new Error(`the database file never grew: ${statSync(path).size} bytes`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('a thread that dies rejects the pending and every later call, and reports it once through onFatal', async () => {
    const fatal: Error[] = [];
    const store = await connectStoreWorker(new Worker(FAKE_THREAD, { eval: true }), (e) => fatal.push(e));
    stores.push(store);
    expect(await store.stats()).toEqual({ topics: 7, storedUpdates: 0, storedBytes: 0 });
    const dying = store.getTopic(topicId(1));
    const unanswered = store.cursorFloor(topicId(1));
    await expect(dying).rejects.toThrow(/relay store worker crashed: disk on fire/);
    await expect(unanswered).rejects.toThrow(/disk on fire/);
    await expect(store.stats()).rejects.toThrow(/disk on fire/);
    expect(fatal.map((e) => e.message)).toEqual(['relay store worker crashed: disk on fire']);
  });
});
