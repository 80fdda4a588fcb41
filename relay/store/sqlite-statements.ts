// The relay SQLite store's statements, prepared once per connection and reused for every call.
import type Database from 'better-sqlite3';
import type { CapabilityKey, DeviceKey, TopicId } from '../../src/shared/ids.js';
import type { Registration, TopicMeta } from './types.js';

export type TopicRow = { topic: Uint8Array; capability: Uint8Array; flags: number; head_seq: number; stored_updates: number; stored_bytes: number };
export type RegRow = { device: Uint8Array; cursor: number; gap_from: number };
export type Removed = { seq: number; bytes: number };

export function prepareStatements(db: Database.Database) {
  return {
    storeId: db.prepare<[], Uint8Array>('SELECT store_id FROM meta WHERE id = 1').pluck(),
    topic: db.prepare<[Uint8Array], TopicRow>('SELECT * FROM topics WHERE topic = ?'),
    insertTopic: db.prepare<[Uint8Array, Uint8Array, number]>('INSERT INTO topics (topic, capability, flags) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    closeTopic: db.prepare<[number, Uint8Array]>('UPDATE topics SET flags = flags | ? WHERE topic = ?'),
    head: db.prepare<[Uint8Array], number>('SELECT head_seq FROM topics WHERE topic = ?').pluck(),
    appended: db.prepare<[number, number, number, Uint8Array]>(
      'UPDATE topics SET head_seq = ?, stored_updates = stored_updates + ?, stored_bytes = stored_bytes + ? WHERE topic = ?',
    ),
    removed: db.prepare<[number, number, Uint8Array]>('UPDATE topics SET stored_updates = stored_updates - ?, stored_bytes = stored_bytes - ? WHERE topic = ?'),
    insertUpdate: db.prepare<[Uint8Array, number, Uint8Array, number, Uint8Array]>(
      'INSERT INTO updates (topic, seq, sender, created_at, payload) VALUES (?, ?, ?, ?, ?)',
    ),
    readAfter: db.prepare<[Uint8Array, number, number], { seq: number; sender: Uint8Array; created_at: number; payload: Uint8Array }>(
      'SELECT seq, sender, created_at, payload FROM updates WHERE topic = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    oldest: db.prepare<[Uint8Array], number>('SELECT seq FROM updates WHERE topic = ? ORDER BY seq LIMIT 1').pluck(),
    countAfter: db.prepare<[Uint8Array, number], number>('SELECT count(*) FROM updates WHERE topic = ? AND seq > ?').pluck(),
    deleteUpTo: db.prepare<[Uint8Array, number], Removed>('DELETE FROM updates WHERE topic = ? AND seq <= ? RETURNING seq, length(payload) AS bytes'),
    deleteSender: db.prepare<[Uint8Array, number, number, Uint8Array], Removed>(
      'DELETE FROM updates WHERE topic = ? AND seq > ? AND seq <= ? AND sender = ? RETURNING seq, length(payload) AS bytes',
    ),
    expiring: db.prepare<[number, number], { id: number; topic: Uint8Array; seq: number; sender: Uint8Array; bytes: number }>(
      // INDEXED BY: without ANALYZE statistics the planner would rather scan all updates in (topic, seq) order.
      'SELECT id, topic, seq, sender, length(payload) AS bytes FROM updates INDEXED BY updates_created_at WHERE created_at < ? LIMIT ?',
    ),
    deleteId: db.prepare<[number]>('DELETE FROM updates WHERE id = ?'),
    register: db.prepare<[Uint8Array, Uint8Array, number]>('INSERT INTO registrations (topic, device, cursor) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    unregister: db.prepare<[Uint8Array, Uint8Array]>('DELETE FROM registrations WHERE topic = ? AND device = ?'),
    registrations: db.prepare<[Uint8Array], RegRow>('SELECT device, cursor, gap_from FROM registrations WHERE topic = ? ORDER BY device'),
    registration: db.prepare<[Uint8Array, Uint8Array], RegRow>('SELECT device, cursor, gap_from FROM registrations WHERE topic = ? AND device = ?'),
    setCursor: db.prepare<[number, Uint8Array, Uint8Array]>('UPDATE registrations SET cursor = ? WHERE topic = ? AND device = ?'),
    lowestTwo: db.prepare<[Uint8Array], { device: Uint8Array; cursor: number }>(
      'SELECT device, cursor FROM registrations WHERE topic = ? ORDER BY cursor, device LIMIT 2',
    ),
    setGap: db.prepare<[number, number, Uint8Array, Uint8Array]>(
      'UPDATE registrations SET gap_from = CASE WHEN gap_from = 0 THEN ? ELSE min(gap_from, ?) END WHERE topic = ? AND device = ?',
    ),
    clearGap: db.prepare<[Uint8Array, Uint8Array]>('UPDATE registrations SET gap_from = 0 WHERE topic = ? AND device = ?'),
    putRecord: db.prepare<[number, Uint8Array, number, Uint8Array]>(
      `INSERT INTO records (kind, account, version, bytes) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, account) DO UPDATE SET version = excluded.version, bytes = excluded.bytes WHERE excluded.version > records.version`,
    ),
    getRecord: db.prepare<[number, Uint8Array], { version: number; bytes: Uint8Array }>('SELECT version, bytes FROM records WHERE kind = ? AND account = ?'),
    stats: db.prepare<[], { topics: number; updates: number; bytes: number }>(
      'SELECT count(*) AS topics, coalesce(sum(stored_updates), 0) AS updates, coalesce(sum(stored_bytes), 0) AS bytes FROM topics',
    ),
  };
}

/** better-sqlite3 returns Buffers; hand out plain Uint8Array views so both adapters look alike. */
export function view(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function toMeta(r: TopicRow): TopicMeta {
  return {
    topic: view(r.topic) as TopicId,
    capability: view(r.capability) as CapabilityKey,
    flags: r.flags,
    headSeq: r.head_seq,
    storedUpdates: r.stored_updates,
    storedBytes: r.stored_bytes,
  };
}

export function toRegistration(r: RegRow): Registration {
  return { device: view(r.device) as DeviceKey, cursor: r.cursor, gapFrom: r.gap_from };
}
