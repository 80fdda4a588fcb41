// The outbox (sealed envelopes waiting for a relay's PUBLISHED) and the delivery state of own messages
// (tables of migration 4). A local change writes its rows in the transaction that persists the change. A row's
// first message id is in message_id, the further ones of a grouped commit in more_ids, a JSON array (migration 10).
import type { ClientDb } from '../db/open.js';

/** messageIds: the messages whose change the envelope carries (several for a grouped commit), for delivery state;
 *  messageId: the same for at most one message (null or absent: none). */
export type OutboxInsert = { relay: string; topic: Uint8Array; doc: string; envelope: Uint8Array; messageIds?: readonly string[]; messageId?: string | null; createdAt: number };
export type OutboxRow = Omit<OutboxInsert, 'messageId' | 'messageIds'> & { id: number; messageIds: string[] };
export type DeliveryState = 'queued' | 'sent' | 'delivered';

export type OutboxStore = {
  add(row: OutboxInsert): number;
  /** Rows of one relay after the given id, oldest first. */
  next(relay: string, afterId: number, limit: number): OutboxRow[];
  /** Removes a published row and, for its messages, records where they were stored (state 'sent'); returns their ids. */
  published(id: number, chat: string | null, seq: number): string[];
  /** Drops a row that can never be published. */
  remove(id: number): void;
  count(): number;
  /** Whether the row is still queued. */
  has(id: number): boolean;
  /** Relays that have rows waiting. */
  relays(): string[];
  /** Drops every row of a doc (a blocked chat). */
  removeDoc(doc: string): void;
  /** DELIVERED (cumulative): marks the chat's messages stored at seq <= the given one on that relay; returns their ids. */
  delivered(relay: string, chat: string, seq: number): string[];
  /** The state of own messages: queued (an outbox row), delivered (a relay said so), sent (a relay stored it). */
  states(chat: string, ids: readonly string[]): Map<string, DeliveryState>;
  removeChatDelivery(chat: string): void;
};

type Raw = { id: number; relay: string; topic: Uint8Array; doc: string; envelope: Uint8Array; message_id: string | null; more_ids: string | null; created_at: number };

const idsOf = (first: string | null, more: string | null): string[] => (first === null ? [] : more === null ? [first] : [first, ...(JSON.parse(more) as string[])]);

export function createOutboxStore(db: ClientDb): OutboxStore {
  const q = {
    add: db.prepare<[string, Uint8Array, string, Uint8Array, string | null, string | null, number]>(
      'INSERT INTO outbox (relay, topic, doc, envelope, message_id, more_ids, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    next: db.prepare<[string, number, number], Raw>('SELECT id, relay, topic, doc, envelope, message_id, more_ids, created_at FROM outbox WHERE relay = ? AND id > ? ORDER BY id LIMIT ?'),
    get: db.prepare<[number], { message_id: string | null; more_ids: string | null; relay: string }>('SELECT message_id, more_ids, relay FROM outbox WHERE id = ?'),
    remove: db.prepare<[number]>('DELETE FROM outbox WHERE id = ?'),
    sent: db.prepare<[string, string, string, number]>('INSERT INTO delivery (chat, message_id, relay, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox'),
    has: db.prepare<[number], number>('SELECT 1 FROM outbox WHERE id = ?').pluck(),
    relays: db.prepare<[], { relay: string }>('SELECT DISTINCT relay FROM outbox'),
    removeDoc: db.prepare<[string]>('DELETE FROM outbox WHERE doc = ?'),
    toDeliver: db.prepare<[string, string, number], { message_id: string }>('SELECT message_id FROM delivery WHERE relay = ? AND chat = ? AND seq <= ? AND delivered = 0'),
    deliver: db.prepare<[string, string, number]>('UPDATE delivery SET delivered = 1 WHERE relay = ? AND chat = ? AND seq <= ? AND delivered = 0'),
    queued: db.prepare<[string, string, string, string], { message_id: string }>(
      `SELECT message_id FROM outbox WHERE doc = ? AND message_id IN (SELECT value FROM json_each(?))
       UNION SELECT m.value FROM outbox o, json_each(o.more_ids) m WHERE o.doc = ? AND o.more_ids IS NOT NULL AND m.value IN (SELECT value FROM json_each(?))`,
    ),
    delivery: db.prepare<[string, string], { message_id: string; delivered: number }>(
      'SELECT message_id, max(delivered) AS delivered FROM delivery WHERE chat = ? AND message_id IN (SELECT value FROM json_each(?)) GROUP BY message_id',
    ),
    removeChatDelivery: db.prepare<[string]>('DELETE FROM delivery WHERE chat = ?'),
  };
  const publishedRow = (id: number, chat: string | null, seq: number): string[] => {
    const row = q.get.get(id);
    if (!row) return [];
    const ids = idsOf(row.message_id, row.more_ids);
    q.remove.run(id);
    if (chat === null) return [];
    for (const m of ids) q.sent.run(chat, m, row.relay, seq);
    return ids;
  };
  const publishedTx = db.transaction(publishedRow);
  const delivered = db.transaction((relay: string, chat: string, seq: number) => {
    const ids = q.toDeliver.all(relay, chat, seq).map((r) => r.message_id);
    if (ids.length > 0) q.deliver.run(relay, chat, seq);
    return ids;
  });
  return {
    add(r) {
      const ids = r.messageIds ?? (r.messageId == null ? [] : [r.messageId]);
      const more = ids.length > 1 ? JSON.stringify(ids.slice(1)) : null;
      return Number(q.add.run(r.relay, r.topic, r.doc, r.envelope, ids[0] ?? null, more, r.createdAt).lastInsertRowid);
    },
    next: (relay, afterId, limit) =>
      q.next.all(relay, afterId, limit).map((r) => ({
        id: r.id,
        relay: r.relay,
        topic: r.topic,
        doc: r.doc,
        envelope: r.envelope,
        messageIds: idsOf(r.message_id, r.more_ids),
        createdAt: r.created_at,
      })),
    // No savepoint per row inside the worker's batch transaction.
    published: (id, chat, seq) => (db.inTransaction ? publishedRow(id, chat, seq) : publishedTx(id, chat, seq)),
    remove: (id) => void q.remove.run(id),
    count: () => q.count.get()!.n,
    has: (id) => q.has.get(id) !== undefined,
    relays: () => q.relays.all().map((r) => r.relay),
    removeDoc: (doc) => void q.removeDoc.run(doc),
    delivered: (relay, chat, seq) => delivered(relay, chat, seq),
    states(chat, ids) {
      const out = new Map<string, DeliveryState>();
      if (ids.length === 0) return out;
      const json = JSON.stringify(ids);
      for (const r of q.delivery.all(chat, json)) out.set(r.message_id, r.delivered ? 'delivered' : 'sent');
      for (const r of q.queued.all(chat, json, chat, json)) if (!out.has(r.message_id)) out.set(r.message_id, 'queued');
      return out;
    },
    removeChatDelivery: (chat) => void q.removeChatDelivery.run(chat),
  };
}
