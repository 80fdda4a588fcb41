// Cached signed account records (profiles, device lists) fetched from relays; verify before putting.
import type { ClientDb } from './open.js';

export type CachedRecord = { version: number; bytes: Uint8Array; fetchedAt: number };

export type RecordCache = {
  get(kind: number, account: Uint8Array): CachedRecord | null;
  /** Stores the record unless a higher version is cached (then nothing changes); true when stored. */
  put(kind: number, account: Uint8Array, version: number, bytes: Uint8Array, fetchedAt: number): boolean;
  /** Marks a cached record as re-fetched without change. */
  touch(kind: number, account: Uint8Array, fetchedAt: number): void;
  remove(kind: number, account: Uint8Array): void;
};

export function createRecordCache(db: ClientDb): RecordCache {
  const q = {
    get: db.prepare<[number, Uint8Array], { version: number; bytes: Uint8Array; fetched_at: number }>('SELECT version, bytes, fetched_at FROM records WHERE kind = ? AND account = ?'),
    put: db.prepare<[number, Uint8Array, number, Uint8Array, number]>(
      `INSERT INTO records (kind, account, version, bytes, fetched_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET version = excluded.version, bytes = excluded.bytes, fetched_at = excluded.fetched_at
       WHERE excluded.version >= records.version`,
    ),
    touch: db.prepare<[number, number, Uint8Array]>('UPDATE records SET fetched_at = ? WHERE kind = ? AND account = ?'),
    remove: db.prepare<[number, Uint8Array]>('DELETE FROM records WHERE kind = ? AND account = ?'),
  };
  return {
    get(kind, account) {
      const r = q.get.get(kind, account);
      return r ? { version: r.version, bytes: new Uint8Array(r.bytes), fetchedAt: r.fetched_at } : null;
    },
    put: (kind, account, version, bytes, fetchedAt) => q.put.run(kind, account, version, bytes, fetchedAt).changes > 0,
    touch: (kind, account, fetchedAt) => void q.touch.run(fetchedAt, kind, account),
    remove: (kind, account) => void q.remove.run(kind, account),
  };
}
