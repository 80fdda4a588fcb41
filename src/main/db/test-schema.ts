// Test helper: the schema each client migration leaves (in order) and the schema a database has, for migrations.test.ts.
import type { ClientDb } from './open.js';

/** Per table: columns as "name type notnull pk", WITHOUT ROWID or not, and indexes with their columns. */
type Table = { columns: string[]; withoutRowid: boolean; indexes: Record<string, string[]> };
export type Schema = { tables: Record<string, Table>; virtual: string[]; triggers: string[] };

/** What each migration adds (and drops), in order: a new migration without an entry here fails the suite. */
export const ADDS: (Partial<Schema> & { droppedTriggers?: string[]; droppedTables?: string[] })[] = [
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

export function expectedAt(version: number): Schema {
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

export function schemaOf(db: ClientDb): Schema {
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
