// The relay's embedded store: better-sqlite3 in WAL mode, one transaction per append or ack batch.
//
// Costs relied on (2 cores, loaded machine, WAL + synchronous=NORMAL, 200 B payloads, this adapter
// end to end): ~95k-150k updates/s appended at 100-1000 per commit (vs ~33k/s at one per commit,
// ENVIRONMENT.md); ~110k-150k acks/s at 250 per commit; expiry ~10-17 us per deleted row. So the
// relay gathers a tick's publishes into one append() and a tick's acks into one ack(). Cursors and
// floors come from memory (sqlite-cursors.ts): an ack costs one UPDATE, and a topic whose floor did not
// move no delete scan (100 topics x 10 devices, 64 acks per commit: ~38 -> ~17 us per ack).
// The updates table is a rowid table: a WITHOUT ROWID (topic, seq) table inserted ~1 KiB payloads
// 4x slower here.
//
// Durability: in WAL mode synchronous=NORMAL writes each commit to the WAL before the promise
// resolves but fsyncs only at checkpoints, so a committed write survives SIGKILL of the process
// (the relay's promise: PUBLISHED/ACKED only after commit) but the last commits may be lost on power
// loss or an OS crash. synchronous=FULL fsyncs the WAL on every commit and survives those too, at
// ~1.5-3x the cost per batched commit (~7x for single-row commits).
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { toHex, type AccountId, type DeviceKey, type StoreId, type TopicId } from '../../src/shared/ids.js';
import { TopicFlags, type RecordKind } from '../../src/shared/frames.js';
import { EMPTY_FRONTIER, planDeletion, type DeletionFrontier } from './deletion.js';
import { EXPIRE_CHUNK, expiryChunk } from './sqlite-expiry.js';
import { migrate } from './sqlite-migrations.js';
import { CursorCache, floorOfRegs, type CachedReg } from './sqlite-cursors.js';
import { prepareStatements, toMeta, toRegistration, view, type Removed } from './sqlite-statements.js';
import type { AckInput, AckResult, AppendInput, CursorFloor, ExpireResult, RelayStore, StoredRecord } from './types.js';

export type SqliteStoreOptions = { path: string; synchronous?: 'NORMAL' | 'FULL' };


const NO_FLOOR: CursorFloor = { min: 0, minDevice: null, second: 0 };

type Deleted = { seqs: number[]; bytes: number };
const NOTHING_DELETED: Deleted = { seqs: [], bytes: 0 };

export { EXPIRE_CHUNK };

/** mkdir -p one level at a time: Node's recursive mkdir loops forever where mkdir answers ENOENT under
 *  an existing parent (e.g. /proc/x); a plain mkdir throws, and the relay exits with that error. */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

/** Opens (creating and migrating if needed) the store at path. One relay process per file: the
 *  deletion frontiers are cached in this process (see deletion.ts). */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<RelayStore> {
  if (options.path !== ':memory:') makeDirs(dirname(options.path));
  const db = new Database(options.path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return sqliteStore(db);
}

function sqliteStore(db: Database.Database): RelayStore {
  const q = prepareStatements(db);

  const id = view(q.storeId.get()!) as StoreId;
  /** Per topic (hex), what is already deleted; updated only after the transaction commits. */
  const frontiers = new Map<string, DeletionFrontier>();
  /** Committed cursors of recently acked topics (see sqlite-cursors.ts). */
  const cursors = new CursorCache(db);

  function floorOf(topic: Uint8Array, head: number): CursorFloor {
    const [a, b] = q.lowestTwo.all(topic);
    if (!a) return { min: head, minDevice: null, second: head };
    return { min: a.cursor, minDevice: view(a.device) as DeviceKey, second: b ? b.cursor : head };
  }

  /** Runs inside a transaction; returns the seqs deleted (ascending) with their payload bytes, and
   *  records the frontier to keep on commit. */
  function deletePass(topic: Uint8Array, key: string, floor: CursorFloor, pending: Map<string, DeletionFrontier>, minHex = floor.minDevice ? toHex(floor.minDevice) : null): Deleted {
    const registered = floor.minDevice ? 1 : 0; // the planner only needs to know whether anyone is registered
    const plan = planDeletion(frontiers.get(key) ?? EMPTY_FRONTIER, { min: floor.min, minDevice: minHex, second: floor.second }, registered);
    if (!plan) return NOTHING_DELETED;
    let rows: Removed[] = [];
    if (plan.upTo !== null) rows = q.deleteUpTo.all(topic, plan.upTo);
    if (plan.sender) rows = rows.concat(q.deleteSender.all(topic, plan.sender.from, plan.sender.to, floor.minDevice!));
    pending.set(key, plan.next);
    if (rows.length === 0) return NOTHING_DELETED;
    let bytes = 0;
    for (const r of rows) bytes += r.bytes;
    q.removed.run(rows.length, bytes, topic);
    return { seqs: rows.map((r) => r.seq).sort((x, y) => x - y), bytes };
  }

  /** Runs fn in one transaction, then adopts the deletion frontiers it planned (only once committed). */
  function withFrontiers<T>(fn: (pending: Map<string, DeletionFrontier>) => T): T {
    const pending = new Map<string, DeletionFrontier>();
    const result = db.transaction(() => fn(pending))();
    for (const [k, f] of pending) frontiers.set(k, f);
    return result;
  }

  const appendTx = db.transaction((batch: AppendInput[]): number[] => {
    const topics = new Map<string, { topic: Uint8Array; head: number; count: number; bytes: number }>();
    const seqs = batch.map((a) => {
      const key = toHex(a.topic);
      let t = topics.get(key);
      if (!t) {
        const head = q.head.get(a.topic);
        if (head === undefined) throw new Error(`relay store: unknown topic ${key}`);
        t = { topic: a.topic, head, count: 0, bytes: 0 };
        topics.set(key, t);
      }
      const seq = ++t.head;
      q.insertUpdate.run(a.topic, seq, a.sender, a.createdAt, a.payload);
      t.count++;
      t.bytes += a.payload.byteLength;
      return seq;
    });
    for (const t of topics.values()) q.appended.run(t.head, t.count, t.bytes, t.topic);
    return seqs;
  });

  const registerTx = db.transaction((topic: TopicId, devices: DeviceKey[], initialCursor: number): DeviceKey[] => {
    const head = q.head.get(topic);
    if (head === undefined) throw new Error(`relay store: unknown topic ${toHex(topic)}`);
    const cursor = Math.min(Math.max(0, initialCursor), head);
    return devices.filter((d) => q.register.run(topic, d, cursor).changes === 1);
  });

  const expireChunk = expiryChunk(db, q);

  return {
    async storeId() {
      return id;
    },

    async getTopic(topic) {
      const row = q.topic.get(topic);
      return row ? toMeta(row) : null;
    },

    async createTopic(topic, capability, flags) {
      q.insertTopic.run(topic, capability, flags);
      return toMeta(q.topic.get(topic)!);
    },

    async closeTopic(topic) {
      return q.closeTopic.run(TopicFlags.Closed, topic).changes > 0;
    },

    async append(batch) {
      return batch.length === 0 ? [] : appendTx(batch);
    },

    async readAfter(topic, afterSeq, limit) {
      if (limit <= 0) return [];
      return q.readAfter.all(topic, afterSeq, Math.min(limit, Number.MAX_SAFE_INTEGER)).map((r) => ({
        topic,
        seq: r.seq,
        sender: view(r.sender) as DeviceKey,
        createdAt: r.created_at,
        payload: view(r.payload),
      }));
    },

    async oldestSeq(topic) {
      return q.oldest.get(topic) ?? null;
    },

    async countAfter(topic, afterSeq) {
      const row = q.topic.get(topic);
      if (!row || afterSeq >= row.head_seq || row.stored_updates === 0) return 0;
      // Below the oldest stored seq everything counts: answer from the counter, not a scan.
      if (afterSeq < (q.oldest.get(topic) ?? Infinity)) return row.stored_updates;
      return q.countAfter.get(topic, afterSeq) ?? 0;
    },

    async register(topic, devices, initialCursor) {
      try {
        return registerTx(topic, devices, initialCursor);
      } finally {
        cursors.forget(toHex(topic));
      }
    },

    async unregister(topic, devices) {
      cursors.forget(toHex(topic));
      return withFrontiers((pending) => {
        const head = q.head.get(topic);
        if (head === undefined) return { removed: [], deleted: [], floor: NO_FLOOR };
        const removed = devices.filter((d) => q.unregister.run(topic, d).changes === 1);
        const floor = floorOf(topic, head);
        return { removed, deleted: deletePass(topic, toHex(topic), floor, pending).seqs, floor };
      });
    },

    async registrations(topic) {
      return q.registrations.all(topic).map(toRegistration);
    },

    async getRegistration(topic, device) {
      const row = q.registration.get(topic, device);
      return row ? toRegistration(row) : null;
    },

    async clearGap(topic, device) {
      q.clearGap.run(topic, device);
    },

    async ack(batch: AckInput[]) {
      if (batch.length === 0) return [];
      type Touched = { topic: TopicId; head: number; regs: Map<string, CachedReg>; moved: Map<string, number>; indexes: number[]; last: number };
      const touched = new Map<string, Touched>();
      const results = withFrontiers((pending) => {
        const results: AckResult[] = [];
        for (const a of batch) {
          const key = toHex(a.topic);
          let t = touched.get(key);
          if (!t) {
            const head = q.head.get(a.topic);
            if (head !== undefined) touched.set(key, (t = { topic: a.topic, head, regs: cursors.regs(key, a.topic), moved: new Map(), indexes: [], last: -1 }));
          }
          const hex = t ? toHex(a.device) : '';
          const reg = t?.regs.get(hex);
          if (!t || reg === undefined) {
            t?.indexes.push(results.length);
            results.push({ topic: a.topic, device: a.device, cursor: 0, deleted: [], deletedBytes: 0, registered: false, floor: NO_FLOOR });
            continue;
          }
          t.indexes.push(results.length);
          t.last = results.length;
          const old = t.moved.get(hex) ?? reg.cursor;
          const cursor = Math.min(Math.max(old, a.seq), t.head);
          if (cursor > old) {
            q.setCursor.run(cursor, a.topic, a.device);
            t.moved.set(hex, cursor);
          }
          results.push({ topic: a.topic, device: a.device, cursor, deleted: [], deletedBytes: 0, registered: true, floor: NO_FLOOR });
        }
        for (const [key, t] of touched) {
          const { floor, minHex } = floorOfRegs(t.regs, t.moved, t.head);
          for (const i of t.indexes) results[i]!.floor = floor;
          if (t.last < 0) continue;
          const deleted = deletePass(t.topic, key, floor, pending, minHex);
          results[t.last]!.deleted = deleted.seqs;
          results[t.last]!.deletedBytes = deleted.bytes;
        }
        return results;
      });
      // Committed: the cached cursors follow.
      for (const t of touched.values()) for (const [hex, cursor] of t.moved) t.regs.get(hex)!.cursor = cursor;
      return results;
    },

    async cursorFloor(topic) {
      const head = q.head.get(topic);
      return head === undefined ? NO_FLOOR : floorOfRegs(cursors.regs(toHex(topic), topic), undefined, head).floor;
    },

    async expire(cutoff) {
      const deleted = new Map<string, { topic: TopicId; seqs: number[] }>();
      const gapped = new Map<string, ExpireResult['gapped'][number]>();
      while (expireChunk(cutoff, deleted, gapped) === EXPIRE_CHUNK) {
        await new Promise<void>((resolve) => setImmediate(resolve)); // let the relay serve between chunks
      }
      for (const d of deleted.values()) d.seqs.sort((a, b) => a - b);
      return { deleted: [...deleted.values()], gapped: [...gapped.values()] };
    },

    async putRecord(record: StoredRecord) {
      return q.putRecord.run(record.kind, record.account, record.version, record.bytes).changes === 1;
    },

    async getRecord(kind: RecordKind, account: AccountId) {
      const row = q.getRecord.get(kind, account);
      return row ? { kind, account, version: row.version, bytes: view(row.bytes) } : null;
    },

    async stats() {
      const s = q.stats.get()!;
      return { topics: s.topics, storedUpdates: s.updates, storedBytes: s.bytes };
    },

    async close() {
      if (db.open) db.close();
    },
  };
}
