// Numbered schema migrations for the relay's SQLite store: MIGRATIONS[i] takes the database from
// PRAGMA user_version i to i + 1. Append new steps; never edit a shipped one (databases in the
// field already ran it). Every step has a schema test in sqlite-migrations.test.ts.
import type Database from 'better-sqlite3';

export const MIGRATIONS: readonly string[] = [
  // 1: the initial schema.
  `
  CREATE TABLE meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    store_id BLOB NOT NULL
  );
  INSERT INTO meta (id, store_id) VALUES (1, randomblob(16));

  CREATE TABLE topics (
    topic BLOB PRIMARY KEY,
    capability BLOB NOT NULL,
    flags INTEGER NOT NULL,
    head_seq INTEGER NOT NULL DEFAULT 0,
    stored_updates INTEGER NOT NULL DEFAULT 0,
    stored_bytes INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;

  -- A rowid table, not WITHOUT ROWID: payloads of ~1 KiB made inserts into a clustered (topic, seq)
  -- b-tree 4x slower here (page splits); the (topic, seq) index keeps range scans cheap.
  CREATE TABLE updates (
    id INTEGER PRIMARY KEY,
    topic BLOB NOT NULL,
    seq INTEGER NOT NULL,
    sender BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    payload BLOB NOT NULL,
    UNIQUE (topic, seq)
  );
  CREATE INDEX updates_created_at ON updates (created_at);

  CREATE TABLE registrations (
    topic BLOB NOT NULL,
    device BLOB NOT NULL,
    cursor INTEGER NOT NULL,
    gap_from INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (topic, device)
  ) WITHOUT ROWID;
  -- The two lowest cursors of a topic are the first two entries (ties in device order).
  CREATE INDEX registrations_cursor ON registrations (topic, cursor);

  CREATE TABLE records (
    kind INTEGER NOT NULL,
    account BLOB NOT NULL,
    version INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (kind, account)
  );
  `,
];

/** Brings db up to `target` (default: the latest); each step and its user_version bump commit together. */
export function migrate(db: Database.Database, target = MIGRATIONS.length): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`relay store schema version ${current} is newer than this relay knows (${MIGRATIONS.length}); upgrade cairn-relay`);
  }
  for (let v = current; v < target; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
