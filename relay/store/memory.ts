// In-memory RelayStore for tests and benchmarks: Maps only, nothing survives the process.
// Deletion is incremental (see deletion.ts): an ack that leaves the two lowest cursors where they
// were costs O(1) per topic, and a moving floor only visits the seqs that became deletable.
import { toHex, type AccountId, type CapabilityKey, type DeviceKey, type StoreId, type TopicId } from '../../src/shared/ids.js';
import { TopicFlags, type RecordKind } from '../../src/shared/frames.js';
import { EMPTY_FRONTIER, gapRanges, lowestTwo, planDeletion, type DeletionFrontier } from './deletion.js';
import { SeqList } from './seq-list.js';
import type {
  AckInput,
  AckResult,
  AppendInput,
  CursorFloor,
  ExpireResult,
  Registration,
  RelayStore,
  StoredRecord,
  StoredUpdate,
  StoreStats,
  TopicMeta,
} from './types.js';

type Reg = { device: string; key: DeviceKey; cursor: number; gapFrom: number };
type Entry = { update: StoredUpdate; sender: string };
type Sender = { key: DeviceKey; seqs: SeqList };

type MemTopic = {
  meta: TopicMeta;
  updates: Map<number, Entry>;
  order: SeqList;
  senders: Map<string, Sender>;
  regs: Map<string, Reg>;
  /** Cached floor; null when a cursor, registration or (with < 2 registrations) the head moved. */
  floor: { floor: CursorFloor; minHex: string | null } | null;
  frontier: DeletionFrontier;
};

const NO_FLOOR: CursorFloor = { min: 0, minDevice: null, second: 0 };

export function createMemoryStore(): RelayStore {
  const id = crypto.getRandomValues(new Uint8Array(16)) as StoreId;
  const topics = new Map<string, MemTopic>();
  const records = new Map<string, StoredRecord>();
  const totals = { storedUpdates: 0, storedBytes: 0 };

  function mustGet(topic: TopicId): MemTopic {
    const t = topics.get(toHex(topic));
    if (!t) throw new Error(`relay store: unknown topic ${toHex(topic)}`);
    return t;
  }

  function floorOf(t: MemTopic): { floor: CursorFloor; minHex: string | null } {
    if (t.floor) return t.floor;
    const head = t.meta.headSeq;
    const [a, b] = lowestTwo(t.regs.values());
    const floor: CursorFloor = a ? { min: a.cursor, minDevice: a.key, second: b ? b.cursor : head } : { min: head, minDevice: null, second: head };
    t.floor = { floor, minHex: a ? a.device : null };
    return t.floor;
  }

  function remove(t: MemTopic, seq: number): void {
    const e = t.updates.get(seq);
    if (!e) return;
    t.updates.delete(seq);
    t.order.delete(seq);
    const s = t.senders.get(e.sender)!;
    s.seqs.delete(seq);
    if (s.seqs.size === 0) t.senders.delete(e.sender);
    const bytes = e.update.payload.byteLength;
    t.meta.storedUpdates--;
    t.meta.storedBytes -= bytes;
    totals.storedUpdates--;
    totals.storedBytes -= bytes;
  }

  function deletePass(t: MemTopic): number[] {
    const { floor, minHex } = floorOf(t);
    const plan = planDeletion(t.frontier, { min: floor.min, minDevice: minHex, second: floor.second }, t.regs.size);
    if (!plan) return [];
    const deleted: number[] = [];
    if (plan.upTo !== null) {
      for (let s = t.order.front(); s !== undefined && s <= plan.upTo; s = t.order.front()) {
        remove(t, s);
        deleted.push(s);
      }
    }
    if (plan.sender) {
      const s = t.senders.get(plan.sender.dev);
      if (s) {
        for (const seq of s.seqs.range(plan.sender.from, plan.sender.to, Infinity)) {
          remove(t, seq);
          deleted.push(seq);
        }
      }
    }
    t.frontier = plan.next;
    return deleted;
  }

  const store: RelayStore = {
    async storeId() {
      return id;
    },

    async getTopic(topic) {
      const t = topics.get(toHex(topic));
      return t ? { ...t.meta } : null;
    },

    async createTopic(topic: TopicId, capability: CapabilityKey, flags: number) {
      const key = toHex(topic);
      let t = topics.get(key);
      if (!t) {
        const meta: TopicMeta = { topic: topic.slice() as TopicId, capability: capability.slice() as CapabilityKey, flags, headSeq: 0, storedUpdates: 0, storedBytes: 0 };
        t = { meta, updates: new Map(), order: new SeqList(), senders: new Map(), regs: new Map(), floor: null, frontier: EMPTY_FRONTIER };
        topics.set(key, t);
      }
      return { ...t.meta };
    },

    async closeTopic(topic: TopicId) {
      const t = topics.get(toHex(topic));
      if (t) t.meta.flags |= TopicFlags.Closed;
      return t !== undefined;
    },

    async append(batch: AppendInput[]) {
      const targets = batch.map((a) => mustGet(a.topic)); // check all first: a batch is all or nothing
      return batch.map((a, i) => {
        const t = targets[i]!;
        const seq = ++t.meta.headSeq;
        const hex = toHex(a.sender);
        let s = t.senders.get(hex);
        if (!s) {
          s = { key: a.sender.slice() as DeviceKey, seqs: new SeqList() };
          t.senders.set(hex, s);
        }
        const payload = a.payload.slice(); // copy: the caller's buffer may be a view into a reused frame
        t.updates.set(seq, { update: { topic: t.meta.topic, seq, sender: s.key, createdAt: a.createdAt, payload }, sender: hex });
        t.order.push(seq);
        s.seqs.push(seq);
        t.meta.storedUpdates++;
        t.meta.storedBytes += payload.byteLength;
        totals.storedUpdates++;
        totals.storedBytes += payload.byteLength;
        if (t.regs.size < 2) t.floor = null;
        return seq;
      });
    },

    async readAfter(topic, afterSeq, limit) {
      const t = topics.get(toHex(topic));
      if (!t || limit <= 0) return [];
      return t.order.range(afterSeq, Infinity, limit).map((s) => t.updates.get(s)!.update);
    },

    async oldestSeq(topic) {
      return topics.get(toHex(topic))?.order.front() ?? null;
    },

    async countAfter(topic, afterSeq) {
      const t = topics.get(toHex(topic));
      return t ? t.order.countAfter(afterSeq) : 0;
    },

    async register(topic, devices, initialCursor) {
      const t = mustGet(topic);
      const cursor = Math.min(Math.max(0, initialCursor), t.meta.headSeq);
      const added: DeviceKey[] = [];
      for (const d of devices) {
        const hex = toHex(d);
        if (t.regs.has(hex)) continue;
        const key = d.slice() as DeviceKey;
        t.regs.set(hex, { device: hex, key, cursor, gapFrom: 0 });
        added.push(key);
      }
      if (added.length > 0) t.floor = null;
      return added;
    },

    async unregister(topic, devices) {
      const t = topics.get(toHex(topic));
      if (!t) return { removed: [], deleted: [], floor: NO_FLOOR };
      const removed: DeviceKey[] = [];
      for (const d of devices) {
        const hex = toHex(d);
        const reg = t.regs.get(hex);
        if (!reg) continue;
        t.regs.delete(hex);
        removed.push(reg.key);
      }
      if (removed.length > 0) t.floor = null;
      const deleted = deletePass(t);
      return { removed, deleted, floor: floorOf(t).floor };
    },

    async registrations(topic) {
      const t = topics.get(toHex(topic));
      if (!t) return [];
      return [...t.regs.values()].sort((a, b) => (a.device < b.device ? -1 : 1)).map(toRegistration);
    },

    async getRegistration(topic, device) {
      const reg = topics.get(toHex(topic))?.regs.get(toHex(device));
      return reg ? toRegistration(reg) : null;
    },

    async clearGap(topic, device) {
      const reg = topics.get(toHex(topic))?.regs.get(toHex(device));
      if (reg) reg.gapFrom = 0;
    },

    async ack(batch: AckInput[]) {
      const results: AckResult[] = [];
      const touched = new Map<MemTopic, { indexes: number[]; last: number }>();
      for (const a of batch) {
        const t = topics.get(toHex(a.topic));
        let seen = t ? touched.get(t) : undefined;
        if (t && !seen) touched.set(t, (seen = { indexes: [], last: -1 }));
        seen?.indexes.push(results.length);
        const reg = t?.regs.get(toHex(a.device));
        if (!t || !seen || !reg) {
          results.push({ topic: a.topic, device: a.device, cursor: 0, deleted: [], deletedBytes: 0, registered: false, floor: NO_FLOOR });
          continue;
        }
        seen.last = results.length;
        const cursor = Math.min(Math.max(reg.cursor, a.seq), t.meta.headSeq);
        if (cursor > reg.cursor) {
          // Raising a cursor above the second lowest cannot move the floor.
          if (t.floor && (t.regs.size < 2 || reg.cursor <= t.floor.floor.second)) t.floor = null;
          reg.cursor = cursor;
        }
        results.push({ topic: a.topic, device: a.device, cursor: reg.cursor, deleted: [], deletedBytes: 0, registered: true, floor: NO_FLOOR });
      }
      for (const [t, seen] of touched) {
        const bytesBefore = t.meta.storedBytes;
        const deleted = seen.last >= 0 ? deletePass(t) : [];
        const floor = floorOf(t).floor;
        for (const i of seen.indexes) results[i]!.floor = floor;
        if (seen.last < 0) continue;
        results[seen.last]!.deleted = deleted;
        results[seen.last]!.deletedBytes = bytesBefore - t.meta.storedBytes;
      }
      return results;
    },

    async cursorFloor(topic) {
      const t = topics.get(toHex(topic));
      return t ? floorOf(t).floor : NO_FLOOR;
    },

    // A full scan: expiry runs rarely and this adapter is for tests; SQLite uses its created_at index.
    async expire(cutoff: number): Promise<ExpireResult> {
      const result: ExpireResult = { deleted: [], gapped: [] };
      for (const t of topics.values()) {
        const expired: { seq: number; sender: string }[] = [];
        for (const [seq, e] of t.updates) if (e.update.createdAt < cutoff) expired.push({ seq, sender: e.sender });
        if (expired.length === 0) continue;
        for (const g of gapRanges(expired, t.regs.values())) {
          const reg = t.regs.get(g.device)!;
          reg.gapFrom = reg.gapFrom === 0 ? g.fromSeq : Math.min(reg.gapFrom, g.fromSeq);
          result.gapped.push({ topic: t.meta.topic, device: reg.key, fromSeq: g.fromSeq, toSeq: g.toSeq });
        }
        for (const { seq } of expired) remove(t, seq);
        result.deleted.push({ topic: t.meta.topic, seqs: expired.map((x) => x.seq) });
      }
      return result;
    },

    async putRecord(record: StoredRecord) {
      const key = recordKey(record.kind, record.account);
      const old = records.get(key);
      if (old && old.version >= record.version) return false;
      records.set(key, { kind: record.kind, account: record.account.slice() as AccountId, version: record.version, bytes: record.bytes.slice() });
      return true;
    },

    async getRecord(kind: RecordKind, account: AccountId) {
      return records.get(recordKey(kind, account)) ?? null;
    },

    async stats(): Promise<StoreStats> {
      return { topics: topics.size, storedUpdates: totals.storedUpdates, storedBytes: totals.storedBytes };
    },

    async close() {},
  };
  return store;
}

function toRegistration(r: Reg): Registration {
  return { device: r.key, cursor: r.cursor, gapFrom: r.gapFrom };
}

function recordKey(kind: RecordKind, account: AccountId): string {
  return `${kind}:${toHex(account)}`;
}
