// Numbered schema migrations of the client database: each step takes PRAGMA user_version from
// version - 1 to version. Append new steps; never edit a shipped one (databases in the field already
// ran it). Every step has a schema test in migrations.test.ts.
import type Database from 'better-sqlite3';

export type Migration = { readonly version: number; readonly name: string; up(db: Database.Database): void };

const sql =
  (text: string) =>
  (db: Database.Database): void => {
    db.exec(text);
  };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'meta and vault',
    up: sql(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value NOT NULL
      ) WITHOUT ROWID;
      -- Secrets sealed under the master key: XChaCha20-Poly1305 with the entry name as associated data.
      CREATE TABLE vault (
        name TEXT PRIMARY KEY,
        nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL
      ) WITHOUT ROWID;
    `),
  },
  {
    version: 2,
    name: 'docs and their update logs',
    up: sql(`
      CREATE TABLE docs (
        doc TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('account', 'chat')),
        topic BLOB NOT NULL,
        client_id INTEGER NOT NULL,
        -- Rows of doc_updates with id <= compacted_through are already merged chunks; compaction never re-merges them.
        compacted_through INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE INDEX docs_topic ON docs (topic);
      CREATE TABLE doc_updates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc TEXT NOT NULL REFERENCES docs (doc) ON DELETE CASCADE,
        data BLOB NOT NULL
      );
      CREATE INDEX doc_updates_doc ON doc_updates (doc, id);
    `),
  },
  {
    version: 3,
    name: 'messages with full-text search',
    up: sql(`
      -- An explicit INTEGER PRIMARY KEY: the FTS index refers to rows by rowid, and an implicit rowid may
      -- be renumbered by VACUUM.
      CREATE TABLE messages (
        row INTEGER PRIMARY KEY,
        chat TEXT NOT NULL,
        id TEXT NOT NULL,
        author TEXT NOT NULL,
        device TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        text TEXT NOT NULL,
        reply_to TEXT,
        edited_at INTEGER,
        deleted INTEGER NOT NULL DEFAULT 0,
        UNIQUE (chat, id)
      );
      CREATE INDEX messages_chat_time ON messages (chat, sent_at, id);
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        text,
        content = 'messages',
        content_rowid = 'row',
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, text) VALUES (new.row, new.text);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.row, old.text);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.row, old.text);
        INSERT INTO messages_fts (rowid, text) VALUES (new.row, new.text);
      END;
    `),
  },
  {
    version: 4,
    name: 'outbox and delivery state',
    up: sql(`
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        relay TEXT NOT NULL,
        topic BLOB NOT NULL,
        doc TEXT NOT NULL,
        envelope BLOB NOT NULL,
        message_id TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX outbox_relay ON outbox (relay, id);
      CREATE TABLE delivery (
        chat TEXT NOT NULL,
        message_id TEXT NOT NULL,
        relay TEXT NOT NULL,
        seq INTEGER NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (chat, message_id, relay)
      ) WITHOUT ROWID;
      -- DELIVERED is cumulative per (relay, topic): mark every pending row with seq <= the reported one.
      CREATE INDEX delivery_pending ON delivery (relay, chat, seq) WHERE delivered = 0;
    `),
  },
  {
    version: 5,
    name: 'relay cursors',
    up: sql(`
      CREATE TABLE cursors (
        relay TEXT NOT NULL,
        store_id BLOB NOT NULL,
        topic BLOB NOT NULL,
        cursor INTEGER NOT NULL,
        PRIMARY KEY (relay, store_id, topic)
      ) WITHOUT ROWID;
    `),
  },
  {
    version: 6,
    name: 'cached account records',
    up: sql(`
      CREATE TABLE records (
        kind INTEGER NOT NULL,
        account BLOB NOT NULL,
        version INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (kind, account)
      ) WITHOUT ROWID;
    `),
  },
  {
    version: 7,
    name: 'outbox rows by doc',
    // Delivery states look up a chat's queued messages; without this each lookup scanned the whole outbox.
    up: sql(`CREATE INDEX IF NOT EXISTS outbox_doc ON outbox (doc, message_id);`),
  },
  {
    version: 8,
    name: 'message index rows written by the message store',
    // A trigger on messages makes each insert a statement with its own savepoint, at which FTS5 flushes its
    // pending terms into a new index segment: one segment per message (~15 µs each). The store now inserts
    // the index row itself; the update trigger runs only when the text really changed. Idempotent.
    up: sql(`
      DROP TRIGGER IF EXISTS messages_fts_insert;
      DROP TRIGGER IF EXISTS messages_fts_update;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.row, old.text);
        INSERT INTO messages_fts (rowid, text) VALUES (new.row, new.text);
      END;
    `),
  },
  {
    version: 9,
    name: 'outbox rows carrying several messages',
    // A grouped commit seals one envelope for several messages of a doc: outbox.message_id keeps the first, this
    // table the others (looked up by doc for delivery states, dropped with their outbox row). Idempotent.
    up: sql(`
      CREATE TABLE IF NOT EXISTS outbox_messages (
        outbox INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
        doc TEXT NOT NULL,
        message_id TEXT NOT NULL,
        PRIMARY KEY (outbox, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS outbox_messages_doc ON outbox_messages (doc, message_id);
    `),
  },
  {
    version: 10,
    name: 'further message ids inside their outbox row',
    // One index entry (and foreign-key check) per message of a grouped commit cost ~10 µs per message; the ids
    // now sit in their outbox row as a JSON array, found by doc through a partial index of the grouped rows.
    // Rows of outbox_messages move there. Idempotent.
    up(db) {
      const columns = db.pragma('table_info(outbox)') as { name: string }[];
      if (!columns.some((c) => c.name === 'more_ids')) db.exec('ALTER TABLE outbox ADD COLUMN more_ids TEXT');
      db.exec(`
        CREATE INDEX IF NOT EXISTS outbox_grouped ON outbox (doc) WHERE more_ids IS NOT NULL;
        CREATE TABLE IF NOT EXISTS outbox_messages (outbox INTEGER NOT NULL, doc TEXT NOT NULL, message_id TEXT NOT NULL, PRIMARY KEY (outbox, message_id)) WITHOUT ROWID;
        UPDATE outbox SET more_ids = (SELECT json_group_array(message_id) FROM outbox_messages m WHERE m.outbox = outbox.id)
          WHERE id IN (SELECT outbox FROM outbox_messages);
        DROP TABLE outbox_messages;
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The database's schema version (PRAGMA user_version). */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings db up to `target` (default: the latest); each step and its user_version bump commit together.
 *  Throws on a database written by a newer Cairn, which this code must not touch. */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new Error(`database schema version ${current} is newer than this Cairn knows (${SCHEMA_VERSION}); upgrade Cairn`);
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
