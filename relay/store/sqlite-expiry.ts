// TTL expiry for the SQLite store: one bounded transaction at a time, so the store can yield between them.
import type Database from 'better-sqlite3';
import { toHex, type DeviceKey, type TopicId } from '../../src/shared/ids.js';
import { gapRanges } from './deletion.js';
import { view, type prepareStatements } from './sqlite-statements.js';
import type { ExpireResult } from './types.js';

/** Expiry deletes at most this many updates per transaction and yields between them, so a large
 *  backlog (a relay restarted after a long stop) never blocks the event loop for seconds. */
export const EXPIRE_CHUNK = 2_000;

export type ExpiredByTopic = Map<string, { topic: TopicId; seqs: number[] }>;
export type GappedByDevice = Map<string, ExpireResult['gapped'][number]>;

/** One bounded transaction of expiry: deletes up to EXPIRE_CHUNK old updates, marks gaps, merges into the
 *  running result; returns how many it deleted. */
export function expiryChunk(db: Database.Database, q: ReturnType<typeof prepareStatements>): (cutoff: number, deleted: ExpiredByTopic, gapped: GappedByDevice) => number {
  return db.transaction((cutoff: number, deleted: ExpiredByTopic, gapped: GappedByDevice): number => {
    const rows = q.expiring.all(cutoff, EXPIRE_CHUNK);
    const byTopic = new Map<string, { topic: TopicId; expired: { seq: number; sender: string }[]; bytes: number }>();
    for (const r of rows) {
      const key = toHex(r.topic);
      let t = byTopic.get(key);
      if (!t) byTopic.set(key, (t = { topic: view(r.topic) as TopicId, expired: [], bytes: 0 }));
      t.expired.push({ seq: r.seq, sender: toHex(r.sender) });
      t.bytes += r.bytes;
      q.deleteId.run(r.id);
    }
    for (const [key, { topic, expired, bytes }] of byTopic) {
      expired.sort((a, b) => a.seq - b.seq);
      const regs = q.registrations.all(topic).map((r) => ({ device: toHex(r.device), cursor: r.cursor, key: view(r.device) as DeviceKey }));
      const byHex = new Map(regs.map((r) => [r.device, r.key]));
      for (const g of gapRanges(expired, regs)) {
        const device = byHex.get(g.device)!;
        q.setGap.run(g.fromSeq, g.fromSeq, topic, device);
        const seen = gapped.get(`${key}:${g.device}`);
        if (seen) {
          seen.fromSeq = Math.min(seen.fromSeq, g.fromSeq);
          seen.toSeq = Math.max(seen.toSeq, g.toSeq);
        } else gapped.set(`${key}:${g.device}`, { topic, device, fromSeq: g.fromSeq, toSeq: g.toSeq });
      }
      q.removed.run(expired.length, bytes, topic);
      const d = deleted.get(key);
      if (d) d.seqs.push(...expired.map((e) => e.seq));
      else deleted.set(key, { topic, seqs: expired.map((e) => e.seq) });
    }
    return rows.length;
  });
}
