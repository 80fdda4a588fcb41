import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from './sqlite-migrations.js';
import { openSqliteStore } from './sqlite.js';

/** The schema each migration must leave behind: per table its columns ("name type notnull pk"),
 *  whether it is WITHOUT ROWID, and its indexes with their columns. */
type Schema = Record<string, { columns: string[]; withoutRowid: boolean; indexes: Record<string, string[]> }>;

const V1: Schema = {
  meta: { columns: ['id INTEGER 0 1', 'store_id BLOB 1 0'], withoutRowid: false, indexes: {} },
  topics: {
    columns: ['topic BLOB 1 1', 'capability BLOB 1 0', 'flags INTEGER 1 0', 'head_seq INTEGER 1 0', 'stored_updates INTEGER 1 0', 'stored_bytes INTEGER 1 0'],
    withoutRowid: true,
    indexes: {},
  },
  updates: {
    columns: ['id INTEGER 0 1', 'topic BLOB 1 0', 'seq INTEGER 1 0', 'sender BLOB 1 0', 'created_at INTEGER 1 0', 'payload BLOB 1 0'],
    withoutRowid: false,
    indexes: { sqlite_autoindex_updates_1: ['topic', 'seq'], updates_created_at: ['created_at'] },
  },
  registrations: {
    columns: ['topic BLOB 1 1', 'device BLOB 1 2', 'cursor INTEGER 1 0', 'gap_from INTEGER 1 0'],
    withoutRowid: true,
    indexes: { registrations_cursor: ['topic', 'cursor'] },
  },
  records: {
    columns: ['kind INTEGER 1 1', 'account BLOB 1 2', 'version INTEGER 1 0', 'bytes BLOB 1 0'],
    withoutRowid: false,
    indexes: { sqlite_autoindex_records_1: ['kind', 'account'] },
  },
};

/** One entry per migration, in order: a new migration without its schema here fails the suite. */
const EXPECTED: Schema[] = [V1];

function schemaOf(db: Database.Database): Schema {
  const tables = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
  const out: Schema = {};
  for (const t of tables) {
    const columns = db.pragma(`table_info(${t.name})`) as { name: string; type: string; notnull: number; pk: number }[];
    const indexes: Record<string, string[]> = {};
    for (const ix of db.pragma(`index_list(${t.name})`) as { name: string; origin: string }[]) {
      if (ix.origin === 'pk' && /WITHOUT ROWID/i.test(t.sql)) continue; // the table itself
      indexes[ix.name] = (db.pragma(`index_info(${ix.name})`) as { name: string }[]).map((c) => c.name);
    }
    out[t.name] = { columns: columns.map((c) => `${c.name} ${c.type} ${c.notnull} ${c.pk}`), withoutRowid: /WITHOUT ROWID/i.test(t.sql), indexes };
  }
  return out;
}

describe('relay SQLite migrations', () => {
  const dbs: Database.Database[] = [];
  const fresh = () => {
    const db = new Database(':memory:');
    dbs.push(db);
    return db;
  };
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });

  it('has a schema expectation for every migration', () => {
    expect(EXPECTED).toHaveLength(MIGRATIONS.length);
  });

  it.each(MIGRATIONS.map((_, i) => i + 1))('migration %i applied on a fresh database leaves the expected schema', (version) => {
    const db = fresh();
    migrate(db, version);
    expect(db.pragma('user_version', { simple: true })).toBe(version);
    expect(schemaOf(db)).toEqual(EXPECTED[version - 1]);
  });

  it('migration 1 creates one 16-byte store id', () => {
    const db = fresh();
    migrate(db, 1);
    const ids = db.prepare<[], { store_id: Buffer }>('SELECT store_id FROM meta').all();
    expect(ids.map((r) => r.store_id.length)).toEqual([16]);
  });

  it('is a no-op on an up-to-date database and refuses one from a newer relay', () => {
    const db = fresh();
    migrate(db);
    const id = db.prepare('SELECT store_id FROM meta').pluck().get();
    migrate(db);
    expect(db.prepare('SELECT store_id FROM meta').pluck().get()).toEqual(id);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(() => migrate(db)).toThrow(/newer/);
  });

  it('opens stores in WAL mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-migrate-'));
    try {
      const path = join(dir, 'nested', 'relay.sqlite');
      const store = await openSqliteStore({ path, synchronous: 'FULL' });
      await store.close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
