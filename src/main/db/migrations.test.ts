// Each client migration in order: the schema it leaves (test-schema.ts), rows it accepts, and what it does to data already there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from './migrations.js';
import { openClientDb, type ClientDb } from './open.js';
import { ADDS, expectedAt, schemaOf } from './test-schema.js';

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
