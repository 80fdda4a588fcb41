// Messages materialized from chat docs into rows, so the UI pages and searches without decoding Yjs.
// New rows get their messages_fts row from upsert; updates and deletes are followed by triggers (migrations 3, 8).
import type { ClientDb } from './open.js';

export type MessageRow = {
  chat: string;
  id: string;
  author: string;
  device: string;
  sentAt: number;
  text: string;
  replyTo: string | null;
  editedAt: number | null;
  deleted: boolean;
};
export type SearchHit = MessageRow & { /** bm25 score: lower is a better match. */ rank: number };

export type PageOptions = {
  /** At most this many rows (default 50). */
  limit?: number;
  /** Only messages ordered before this message id; a page is empty when it is not a message of the chat. */
  before?: string;
  /** Include messages deleted for everyone (default false). */
  includeDeleted?: boolean;
};
export type SearchOptions = { chat?: string; limit?: number };

export type MessageStore = {
  /** Inserts or updates the rows, in one transaction (the caller's, when one is open). */
  upsert(rows: readonly MessageRow[]): void;
  get(chat: string, id: string): MessageRow | null;
  /** The latest messages (before `before`), oldest to newest; ordered by sentAt, then id. */
  page(chat: string, options?: PageOptions): MessageRow[];
  /** Full-text search over undeleted messages, best match first. */
  search(query: string, options?: SearchOptions): SearchHit[];
  /** Drops every row of a chat. */
  removeChat(chat: string): void;
};

export const DEFAULT_PAGE = 50;

type Raw = {
  chat: string;
  id: string;
  author: string;
  device: string;
  sent_at: number;
  text: string;
  reply_to: string | null;
  edited_at: number | null;
  deleted: number;
};

const COLS = 'm.chat, m.id, m.author, m.device, m.sent_at, m.text, m.reply_to, m.edited_at, m.deleted';

const toRow = (r: Raw): MessageRow => ({
  chat: r.chat,
  id: r.id,
  author: r.author,
  device: r.device,
  sentAt: r.sent_at,
  text: r.text,
  replyTo: r.reply_to,
  editedAt: r.edited_at,
  deleted: r.deleted !== 0,
});

/** Turns user input into an FTS5 query that cannot be a syntax error: every word is a quoted phrase (all
 *  must match), and the last one also matches as a prefix so results follow typing. Null when empty. */
export function ftsQuery(input: string): string | null {
  const words = input.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (words.length === 0) return null;
  return words.map((w, i) => `"${w.replaceAll('"', '""')}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

export function createMessageStore(db: ClientDb): MessageStore {
  const q = {
    insert: db.prepare<[string, string, string, string, number, string, string | null, number | null, number]>(
      `INSERT INTO messages (chat, id, author, device, sent_at, text, reply_to, edited_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (chat, id) DO NOTHING`,
    ),
    index: db.prepare<[number | bigint, string]>('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)'),
    update: db.prepare<[string, string, number, string, string | null, number | null, number, string, string]>(
      'UPDATE messages SET author = ?, device = ?, sent_at = ?, text = ?, reply_to = ?, edited_at = ?, deleted = ? WHERE chat = ? AND id = ?',
    ),
    get: db.prepare<[string, string], Raw>(`SELECT ${COLS} FROM messages m WHERE m.chat = ? AND m.id = ?`),
    // Newest first through the (chat, sent_at, id) index, reversed in JS: the cost does not grow with history.
    latest: db.prepare<[string, number, number], Raw>(
      `SELECT ${COLS} FROM messages m WHERE m.chat = ? AND (? OR m.deleted = 0) ORDER BY m.sent_at DESC, m.id DESC LIMIT ?`,
    ),
    before: db.prepare<[string, number, string, number, number], Raw>(
      `SELECT ${COLS} FROM messages m WHERE m.chat = ? AND (m.sent_at, m.id) < (?, ?) AND (? OR m.deleted = 0) ORDER BY m.sent_at DESC, m.id DESC LIMIT ?`,
    ),
    search: db.prepare<[string, string | null, string | null, number], Raw & { rank: number }>(
      `SELECT ${COLS}, bm25(messages_fts) AS rank FROM messages_fts JOIN messages m ON m.row = messages_fts.rowid
       WHERE messages_fts MATCH ? AND m.deleted = 0 AND (? IS NULL OR m.chat = ?)
       ORDER BY rank, m.sent_at DESC LIMIT ?`,
    ),
    removeChat: db.prepare<[string]>('DELETE FROM messages WHERE chat = ?'),
  };

  // A new row gets its index row here (no insert trigger, migration 8); an existing one is updated in place.
  const upsertAll = (rows: readonly MessageRow[]): void => {
    for (const r of rows) {
      const deleted = r.deleted ? 1 : 0;
      const added = q.insert.run(r.chat, r.id, r.author, r.device, r.sentAt, r.text, r.replyTo, r.editedAt, deleted);
      if (added.changes > 0) q.index.run(added.lastInsertRowid, r.text);
      else q.update.run(r.author, r.device, r.sentAt, r.text, r.replyTo, r.editedAt, deleted, r.chat, r.id);
    }
  };
  const upsertTx = db.transaction(upsertAll);

  const limitOf = (limit: number | undefined) => {
    const n = limit ?? DEFAULT_PAGE;
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`limit must be a non-negative integer, got ${n}`);
    return n;
  };

  return {
    // Inside a caller's transaction no savepoint: FTS5 flushes its pending terms into a new segment at every
    // savepoint, which made each message its own index segment (~17 µs per message in a grouped send).
    upsert: (rows) => (db.inTransaction ? upsertAll(rows) : upsertTx(rows)),
    get(chat, id) {
      const r = q.get.get(chat, id);
      return r ? toRow(r) : null;
    },
    page(chat, options = {}) {
      const limit = limitOf(options.limit);
      const all = options.includeDeleted ? 1 : 0;
      let rows: Raw[];
      if (options.before === undefined) rows = q.latest.all(chat, all, limit);
      else {
        const anchor = q.get.get(chat, options.before);
        if (!anchor) return [];
        rows = q.before.all(chat, anchor.sent_at, anchor.id, all, limit);
      }
      return rows.reverse().map(toRow);
    },
    search(query, options = {}) {
      const match = ftsQuery(query);
      if (match === null) return [];
      const chat = options.chat ?? null;
      return q.search.all(match, chat, chat, limitOf(options.limit)).map((r) => ({ ...toRow(r), rank: r.rank }));
    },
    removeChat: (chat) => void q.removeChat.run(chat),
  };
}
