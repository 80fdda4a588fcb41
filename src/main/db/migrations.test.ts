import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from './migrations.js';
import { openClientDb, type ClientDb } from './open.js';

/** Per table: columns as "name type notnull pk", WITHOUT ROWID or not, and indexes with their columns. */
type Table = { columns: string[]; withoutRowid: boolean; indexes: Record<string, string[]> };
type Schema = { tables: Record<string, Table>; virtual: string[]; triggers: string[] };

/** What each migration adds (and drops), in order: a new migration without an entry here fails the suite. */
const ADDS: (Partial<Schema> & { droppedTriggers?: string[]; droppedTables?: string[] })[] = [
  {
    tables: {
      meta: { columns: ['key TEXT 1 1', 'value  1 0'], withoutRowid: true, indexes: {} },
      vault: { columns: ['name TEXT 1 1', 'nonce BLOB 1 0', 'ciphertext BLOB 1 0'], withoutRowid: true, indexes: {} },
    },
  },
  {
    tables: {
      docs: {
        columns: ['doc TEXT 1 1', 'kind TEXT 1 0', 'topic BLOB 1 0', 'client_id INTEGER 1 0', 'compacted_through INTEGER 1 0'],
        withoutRowid: true,
        indexes: { docs_topic: ['topic'] },
      },
      doc_updates: { columns: ['id INTEGER 0 1', 'doc TEXT 1 0', 'data BLOB 1 0'], withoutRowid: false, indexes: { doc_updates_doc: ['doc', 'id'] } },
    },
  },
  {
    tables: {
      messages: {
        columns: [
          'row INTEGER 0 1',
          'chat TEXT 1 0',
          'id TEXT 1 0',
          'author TEXT 1 0',
          'device TEXT 1 0',
          'sent_at INTEGER 1 0',
          'text TEXT 1 0',
          'reply_to TEXT 0 0',
          'edited_at INTEGER 0 0',
          'deleted INTEGER 1 0',
        ],
        withoutRowid: false,
        indexes: { sqlite_autoindex_messages_1: ['chat', 'id'], messages_chat_time: ['chat', 'sent_at', 'id'] },
      },
    },
    virtual: ['messages_fts'],
    triggers: ['messages_fts_delete', 'messages_fts_insert', 'messages_fts_update'],
  },
  {
    tables: {
      outbox: {
        columns: ['id INTEGER 0 1', 'relay TEXT 1 0', 'topic BLOB 1 0', 'doc TEXT 1 0', 'envelope BLOB 1 0', 'message_id TEXT 0 0', 'created_at INTEGER 1 0'],
        withoutRowid: false,
        indexes: { outbox_relay: ['relay', 'id'] },
      },
      delivery: {
        columns: ['chat TEXT 1 1', 'message_id TEXT 1 2', 'relay TEXT 1 3', 'seq INTEGER 1 0', 'delivered INTEGER 1 0'],
        withoutRowid: true,
        indexes: { delivery_pending: ['relay', 'chat', 'seq'] },
      },
    },
  },
  {
    tables: {
      cursors: { columns: ['relay TEXT 1 1', 'store_id BLOB 1 2', 'topic BLOB 1 3', 'cursor INTEGER 1 0'], withoutRowid: true, indexes: {} },
    },
  },
  {
    tables: {
      records: {
        columns: ['kind INTEGER 1 1', 'account BLOB 1 2', 'version INTEGER 1 0', 'bytes BLOB 1 0', 'fetched_at INTEGER 1 0'],
        withoutRowid: true,
        indexes: {},
      },
    },
  },
  {
    tables: {
      outbox: {
        columns: ['id INTEGER 0 1', 'relay TEXT 1 0', 'topic BLOB 1 0', 'doc TEXT 1 0', 'envelope BLOB 1 0', 'message_id TEXT 0 0', 'created_at INTEGER 1 0'],
        withoutRowid: false,
        indexes: { outbox_relay: ['relay', 'id'], outbox_doc: ['doc', 'message_id'] },
      },
    },
  },
  // The insert trigger is gone; the update trigger is recreated (same name) with a WHEN clause.
  { droppedTriggers: ['messages_fts_insert'] },
  {
    tables: {
      outbox_messages: { columns: ['outbox INTEGER 1 1', 'doc TEXT 1 0', 'message_id TEXT 1 2'], withoutRowid: true, indexes: { outbox_messages_doc: ['doc', 'message_id'] } },
    },
  },
  {
    tables: {
      outbox: {
        columns: ['id INTEGER 0 1', 'relay TEXT 1 0', 'topic BLOB 1 0', 'doc TEXT 1 0', 'envelope BLOB 1 0', 'message_id TEXT 0 0', 'created_at INTEGER 1 0', 'more_ids TEXT 0 0'],
        withoutRowid: false,
        indexes: { outbox_relay: ['relay', 'id'], outbox_doc: ['doc', 'message_id'], outbox_grouped: ['doc'] },
      },
    },
    droppedTables: ['outbox_messages'],
  },
];

function expectedAt(version: number): Schema {
  const out: Schema = { tables: {}, virtual: [], triggers: [] };
  for (const add of ADDS.slice(0, version)) {
    Object.assign(out.tables, add.tables);
    for (const t of add.droppedTables ?? []) delete out.tables[t];
    out.virtual.push(...(add.virtual ?? []));
    out.triggers.push(...(add.triggers ?? []));
    out.triggers = out.triggers.filter((t) => !add.droppedTriggers?.includes(t));
  }
  out.virtual.sort();
  out.triggers.sort();
  return out;
}

function schemaOf(db: ClientDb): Schema {
  const rows = db.prepare<[], { type: string; name: string; sql: string }>("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'trigger') ORDER BY name").all();
  const out: Schema = { tables: {}, virtual: [], triggers: [] };
  const virtual = rows.filter((r) => r.type === 'table' && /^CREATE VIRTUAL/i.test(r.sql)).map((r) => r.name);
  // FTS5 keeps its index in shadow tables named after the virtual table.
  const shadow = (name: string) => virtual.some((v) => name.startsWith(`${v}_`));
  for (const r of rows) {
    if (r.type === 'trigger') out.triggers.push(r.name);
    else if (virtual.includes(r.name)) out.virtual.push(r.name);
    else if (!shadow(r.name) && !r.name.startsWith('sqlite_')) {
      const withoutRowid = /WITHOUT ROWID/i.test(r.sql);
      const columns = db.pragma(`table_info(${r.name})`) as { name: string; type: string; notnull: number; pk: number }[];
      const indexes: Record<string, string[]> = {};
      for (const ix of db.pragma(`index_list(${r.name})`) as { name: string; origin: string }[]) {
        if (ix.origin === 'pk' && withoutRowid) continue; // the table itself
        indexes[ix.name] = (db.pragma(`index_info(${ix.name})`) as { name: string }[]).map((c) => c.name);
      }
      out.tables[r.name] = { columns: columns.map((c) => `${c.name} ${c.type} ${c.notnull} ${c.pk}`), withoutRowid, indexes };
    }
  }
  return out;
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/** Inserts representative rows for the tables a migration added (and reads them back). */
const SAMPLES: ((db: ClientDb) => void)[] = [
  (db) => {
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('device', 'abc');
    db.prepare('INSERT INTO vault (name, nonce, ciphertext) VALUES (?, ?, ?)').run('verifier', bytes(24, 1), bytes(40, 2));
    expect(db.prepare('SELECT count(*) FROM vault').pluck().get()).toBe(1);
  },
  (db) => {
    db.prepare('INSERT INTO docs (doc, kind, topic, client_id) VALUES (?, ?, ?, ?)').run('chat:aa', 'chat', bytes(32, 3), 12345);
    db.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)').run('chat:aa', bytes(10, 4));
    expect(() => db.prepare('INSERT INTO docs (doc, kind, topic, client_id) VALUES (?, ?, ?, ?)').run('x', 'nope', bytes(32, 3), 1)).toThrow(/CHECK/);
    // The update log belongs to its doc: an unknown doc is refused and dropping a doc drops its log.
    expect(() => db.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)').run('chat:unknown', bytes(1, 0))).toThrow(/FOREIGN KEY/);
    db.prepare('INSERT INTO docs (doc, kind, topic, client_id) VALUES (?, ?, ?, ?)').run('chat:bb', 'chat', bytes(32, 5), 7);
    db.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)').run('chat:bb', bytes(10, 4));
    db.prepare('DELETE FROM docs WHERE doc = ?').run('chat:bb');
    expect(db.prepare('SELECT doc FROM doc_updates').pluck().all()).toEqual(['chat:aa']);
  },
  (db) => {
    const insert = db.prepare('INSERT INTO messages (chat, id, author, device, sent_at, text) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run('c1', 'm1', 'a1', 'd1', 1000, 'hello world');
    expect(() => insert.run('c1', 'm1', 'a1', 'd1', 1001, 'duplicate')).toThrow(/UNIQUE/);
    expect(db.prepare("SELECT m.id FROM messages_fts JOIN messages m ON m.row = messages_fts.rowid WHERE messages_fts MATCH 'hello'").pluck().all()).toEqual(['m1']);
  },
  (db) => {
    db.prepare('INSERT INTO outbox (relay, topic, doc, envelope, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run('wss://r', bytes(32, 1), 'chat:aa', bytes(100, 2), 'm1', 1);
    db.prepare('INSERT INTO delivery (chat, message_id, relay, seq) VALUES (?, ?, ?, ?)').run('c1', 'm1', 'wss://r', 7);
    expect(db.prepare('SELECT delivered FROM delivery').pluck().get()).toBe(0);
  },
  (db) => {
    db.prepare('INSERT INTO cursors (relay, store_id, topic, cursor) VALUES (?, ?, ?, ?)').run('wss://r', bytes(16, 1), bytes(32, 2), 5);
    expect(db.prepare('SELECT cursor FROM cursors').pluck().get()).toBe(5);
  },
  (db) => {
    db.prepare('INSERT INTO records (kind, account, version, bytes, fetched_at) VALUES (?, ?, ?, ?, ?)').run(1, bytes(32, 9), 1, bytes(50, 1), 2);
    expect(db.prepare('SELECT version FROM records').pluck().get()).toBe(1);
  },
  (db) => {
    // The delivery-state lookup of queued messages goes through the index, not a scan of the outbox.
    const plan = db.prepare<[], { detail: string }>("EXPLAIN QUERY PLAN SELECT DISTINCT message_id FROM outbox WHERE doc = 'chat:aa' AND message_id IN ('m1')").all();
    expect(plan.map((r) => r.detail).join(' ')).toMatch(/USING (COVERING )?INDEX outbox_doc/);
    expect(db.prepare("SELECT message_id FROM outbox WHERE doc = 'chat:aa'").pluck().all()).toEqual(['m1']);
  },
  (db) => {
    // Rows from before keep their index; a new row is indexed by whoever inserts it (the message store).
    expect(db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'hello'").pluck().all()).toHaveLength(1);
    const row = db.prepare("INSERT INTO messages (chat, id, author, device, sent_at, text) VALUES ('c1', 'm2', 'a1', 'd1', 1001, 'later words')").run().lastInsertRowid;
    expect(db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'later'").pluck().all()).toEqual([]);
    db.prepare('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)').run(row, 'later words');
    db.prepare("UPDATE messages SET text = 'edited words' WHERE id = 'm2'").run();
    expect(db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'edited'").pluck().all()).toEqual([row]);
  },
  (db) => {
    // The further messages of an outbox row go with it.
    const id = db.prepare('INSERT INTO outbox (relay, topic, doc, envelope, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run('wss://r', bytes(32, 1), 'chat:aa', bytes(9, 2), 'm7', 1).lastInsertRowid;
    db.prepare('INSERT INTO outbox_messages (outbox, doc, message_id) VALUES (?, ?, ?)').run(id, 'chat:aa', 'm8');
    expect(db.prepare('SELECT message_id FROM outbox_messages').pluck().all()).toEqual(['m8']);
    db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) FROM outbox_messages').pluck().get()).toBe(0);
  },
  (db) => {
    // A grouped row's further ids sit in the row; the doc's grouped rows are found through the partial index.
    db.prepare('INSERT INTO outbox (relay, topic, doc, envelope, message_id, more_ids, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run('wss://r', bytes(32, 1), 'chat:bb', bytes(9, 2), 'm1', '["m2","m3"]', 1);
    const query = "SELECT m.value FROM outbox o, json_each(o.more_ids) m WHERE o.doc = 'chat:bb' AND o.more_ids IS NOT NULL";
    expect(db.prepare(query).pluck().all()).toEqual(['m2', 'm3']);
    const plan = db.prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${query}`).all();
    expect(plan.map((r) => r.detail).join(' ')).toMatch(/USING INDEX outbox_grouped/);
  },
];

describe('client SQLite migrations', () => {
  let dir: string;
  const dbs: ClientDb[] = [];
  const fresh = (name = 'cairn.db', migrateNow = false) => {
    const db = openClientDb(join(dir, name), { migrate: migrateNow });
    dbs.push(db);
    return db;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-client-db-'));
  });
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers migrations 1..N with a schema expectation and sample for each', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
    expect(ADDS).toHaveLength(SCHEMA_VERSION);
    expect(SAMPLES).toHaveLength(SCHEMA_VERSION);
  });

  it('applies the migrations one by one, each leaving its schema and accepting sample rows', () => {
    const db = fresh();
    expect(schemaVersion(db)).toBe(0);
    for (let v = 1; v <= SCHEMA_VERSION; v++) {
      migrate(db, v);
      expect(schemaVersion(db)).toBe(v);
      expect(schemaOf(db)).toEqual(expectedAt(v));
      SAMPLES[v - 1]!(db);
    }
  });

  it.each(MIGRATIONS.map((m) => m.version))('migration %i alone on a fresh database leaves the expected schema', (version) => {
    const db = fresh();
    migrate(db, version);
    expect(schemaOf(db)).toEqual(expectedAt(version));
  });

  it('migration 10 moves the further message ids of queued grouped rows into their outbox row', () => {
    const db = fresh();
    migrate(db, 9);
    const insert = db.prepare('INSERT INTO outbox (relay, topic, doc, envelope, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    const grouped = insert.run('wss://r', bytes(32, 1), 'chat:aa', bytes(9, 2), 'm1', 1).lastInsertRowid;
    const single = insert.run('wss://r', bytes(32, 1), 'chat:aa', bytes(9, 2), 'm4', 1).lastInsertRowid;
    for (const m of ['m2', 'm3']) db.prepare('INSERT INTO outbox_messages (outbox, doc, message_id) VALUES (?, ?, ?)').run(grouped, 'chat:aa', m);
    migrate(db, 10);
    const more = db.prepare<[number | bigint], string | null>('SELECT more_ids FROM outbox WHERE id = ?').pluck();
    expect((JSON.parse(more.get(grouped)!) as string[]).sort()).toEqual(['m2', 'm3']);
    expect(more.get(single)).toBeNull();
    MIGRATIONS[9]!.up(db);
    expect((JSON.parse(more.get(grouped)!) as string[]).sort()).toEqual(['m2', 'm3']);
    expect(schemaOf(db)).toEqual(expectedAt(10));
  });

  it('is idempotent and refuses a database from a newer Cairn', () => {
    const db = fresh('a.db', true);
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('k', 'v');
    migrate(db);
    migrate(db);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT value FROM meta').pluck().all()).toEqual(['v']);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/schema version \d+ is newer than this Cairn knows/);
    expect(() => openClientDb(join(dir, 'a.db'))).toThrow(/newer/);
  });

  it('opens with WAL, synchronous=NORMAL, foreign keys and a busy timeout', () => {
    const db = fresh('p.db', true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });
});
