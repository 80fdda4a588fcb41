// Opens the client database: better-sqlite3 in WAL mode with synchronous=NORMAL, so a commit survives a
// killed process (not a power loss) at ~7x the single-row commit rate of FULL (ENVIRONMENT.md).
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

/** A better-sqlite3 connection to the client database. */
export type ClientDb = Database.Database;

export type OpenClientDbOptions = {
  /** Run pending migrations (default true). openHome opens without them to check the passphrase first. */
  migrate?: boolean;
  /** Milliseconds to wait for another connection's write lock (default 5000). */
  busyTimeoutMs?: number;
};

/** Opens (creating if needed) the database at path and, unless told not to, migrates it to the latest
 *  schema. Throws on a database written by a newer Cairn. */
export function openClientDb(path: string, options: OpenClientDbOptions = {}): ClientDb {
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // INSERT OR REPLACE then fires the delete triggers that keep messages_fts in sync.
    db.pragma('recursive_triggers = ON');
    if (options.migrate !== false) migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
