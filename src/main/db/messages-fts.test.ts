// The full-text index of messages follows the rows through the triggers the migrations install.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openClientDb, type ClientDb } from './open.js';

describe('messages_fts triggers (migrations 3 and 8)', () => {
  let dir: string;
  const dbs: ClientDb[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-client-fts-'));
  });
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const search = (db: ClientDb, q: string) =>
    db.prepare<[string], { id: string }>('SELECT m.id FROM messages_fts JOIN messages m ON m.row = messages_fts.rowid WHERE messages_fts MATCH ? ORDER BY bm25(messages_fts), m.id').all(q).map((r) => r.id);
  const integrity = (db: ClientDb) => db.prepare("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)").run();
  const setup = () => {
    const db = openClientDb(join(dir, 'fts.db'), { migrate: true });
    dbs.push(db);
    const insert = db.prepare('INSERT INTO messages (chat, id, author, device, sent_at, text) VALUES (?, ?, ?, ?, ?, ?)');
    const index = db.prepare('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)');
    // As the message store writes a new row: the row, then its index row (no insert trigger since migration 8).
    for (const [id, at, text] of [['m1', 1, 'meet at the café tomorrow'], ['m2', 2, 'the cafe cafe cafe is closed'], ['m3', 3, 'unrelated words']] as const) {
      index.run(insert.run('c', id, 'a', 'd', at, text).lastInsertRowid, text);
    }
    return db;
  };

  it('indexes inserts, folds diacritics and ranks with bm25', () => {
    const db = setup();
    expect(search(db, 'cafe')).toEqual(['m2', 'm1']);
    expect(search(db, 'CAFÉ')).toEqual(['m2', 'm1']);
    expect(search(db, 'unrelated')).toEqual(['m3']);
    integrity(db);
  });

  it('follows updates of the text and ignores updates of other columns', () => {
    const db = setup();
    db.prepare("UPDATE messages SET text = 'see you at the station', edited_at = 5 WHERE id = 'm1'").run();
    db.prepare("UPDATE messages SET sent_at = 9 WHERE id = 'm2'").run();
    expect(search(db, 'cafe')).toEqual(['m2']);
    expect(search(db, 'station')).toEqual(['m1']);
    db.prepare("INSERT INTO messages (chat, id, author, device, sent_at, text) VALUES ('c', 'm3', 'a', 'd', 3, 'upserted station') ON CONFLICT (chat, id) DO UPDATE SET text = excluded.text").run();
    // bm25 ranks the shorter text first.
    expect(search(db, 'station')).toEqual(['m3', 'm1']);
    expect(search(db, 'unrelated')).toEqual([]);
    expect(search(db, 'upserted')).toEqual(['m3']);
    db.prepare("UPDATE messages SET text = text, deleted = 1 WHERE id = 'm2'").run();
    expect(search(db, 'cafe')).toEqual(['m2']);
    integrity(db);
  });

  it('drops deleted rows, including rows replaced by INSERT OR REPLACE', () => {
    const db = setup();
    db.prepare("DELETE FROM messages WHERE id = 'm2'").run();
    expect(search(db, 'cafe')).toEqual(['m1']);
    const replaced = db.prepare("INSERT OR REPLACE INTO messages (chat, id, author, device, sent_at, text) VALUES ('c', 'm1', 'a', 'd', 1, 'replaced text')").run();
    expect(search(db, 'cafe')).toEqual([]);
    db.prepare('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)').run(replaced.lastInsertRowid, 'replaced text');
    expect(search(db, 'replaced')).toEqual(['m1']);
    db.prepare('DELETE FROM messages').run();
    expect(search(db, 'replaced OR unrelated')).toEqual([]);
    integrity(db);
  });
});
