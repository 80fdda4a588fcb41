// Relay cursors per (relay URL, relay store id, topic): the highest seq this device has persisted. Advance
// them in the transaction that persists the received updates, and send the ACK only after it commits.
import type { ClientDb } from './open.js';

export type TopicCursor = { topic: Uint8Array; cursor: number };

export type CursorStore = {
  /** The cursor, 0 when this device has none yet for that relay store and topic. */
  get(relay: string, storeId: Uint8Array, topic: Uint8Array): number;
  /** Moves the cursor forward to `cursor`; a lower value leaves it where it is (acks are cumulative). */
  advance(relay: string, storeId: Uint8Array, topic: Uint8Array, cursor: number): void;
  /** Sets the cursor exactly, also backwards (e.g. to replay after a local repair). */
  set(relay: string, storeId: Uint8Array, topic: Uint8Array, cursor: number): void;
  /** Every topic's cursor on one relay store, for resubscribing. */
  list(relay: string, storeId: Uint8Array): TopicCursor[];
  /** Forgets a topic on every relay (the chat was left or blocked). */
  removeTopic(topic: Uint8Array): void;
};

export function createCursorStore(db: ClientDb): CursorStore {
  const q = {
    get: db.prepare<[string, Uint8Array, Uint8Array], { cursor: number }>('SELECT cursor FROM cursors WHERE relay = ? AND store_id = ? AND topic = ?'),
    advance: db.prepare<[string, Uint8Array, Uint8Array, number]>(
      'INSERT INTO cursors (relay, store_id, topic, cursor) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET cursor = max(cursor, excluded.cursor)',
    ),
    set: db.prepare<[string, Uint8Array, Uint8Array, number]>(
      'INSERT INTO cursors (relay, store_id, topic, cursor) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET cursor = excluded.cursor',
    ),
    list: db.prepare<[string, Uint8Array], { topic: Uint8Array; cursor: number }>('SELECT topic, cursor FROM cursors WHERE relay = ? AND store_id = ? ORDER BY topic'),
    removeTopic: db.prepare<[Uint8Array]>('DELETE FROM cursors WHERE topic = ?'),
  };
  const checked = (cursor: number) => {
    if (!Number.isSafeInteger(cursor) || cursor < 0) throw new Error(`a cursor is a non-negative integer, got ${cursor}`);
    return cursor;
  };
  return {
    get: (relay, storeId, topic) => q.get.get(relay, storeId, topic)?.cursor ?? 0,
    advance: (relay, storeId, topic, cursor) => void q.advance.run(relay, storeId, topic, checked(cursor)),
    set: (relay, storeId, topic, cursor) => void q.set.run(relay, storeId, topic, checked(cursor)),
    list: (relay, storeId) => q.list.all(relay, storeId).map((r) => ({ topic: new Uint8Array(r.topic), cursor: r.cursor })),
    removeTopic: (topic) => void q.removeTopic.run(topic),
  };
}
