// A Cairn home directory: cairn.json (layout + KDF), cairn.db (SQLite with the vault), cairn.lock, cairn.sock.
// Creation builds the database under a temporary name and renames it last, so an interrupted `init` leaves no
// half-made home; opening checks the passphrase before it migrates or writes anything.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { err, ok, type Result } from '../../shared/result.js';
import { SCHEMA_VERSION, migrate, schemaVersion } from '../db/migrations.js';
import { openClientDb, type ClientDb } from '../db/open.js';
import { DB_FILE, fsyncDir, newLayout, readLayout, writeLayout, type HomeLayout } from './layout.js';
import { deriveMasterKey, newKdfParams, type HomeSecret, type KdfCostOptions } from './master-key.js';
import { initVault, unlockVault, type Vault } from './vault.js';

export type Home = {
  readonly dir: string;
  readonly layout: HomeLayout;
  readonly db: ClientDb;
  readonly vault: Vault;
  /** Closes the database (the lock, if any, is the caller's). */
  close(): void;
};

export type HomeOptions = HomeSecret & { dir: string; sodium: Sodium };
export type CreateHomeOptions = HomeOptions & KdfCostOptions;

export type CreateHomeError = 'ALREADY_INITIALIZED' | 'EMPTY_PASSPHRASE' | 'BAD_KEY_FILE';
export type OpenHomeError = 'NOT_INITIALIZED' | 'WRONG_PASSPHRASE' | 'BAD_LAYOUT' | 'BAD_KEY_FILE';

const CREATING = '.creating';

/** Creates a home in dir (made with mode 0700 if missing): master key, database, vault with its verifier, then cairn.json. */
export function createHome(options: CreateHomeOptions): Result<Home, CreateHomeError> {
  const { dir, sodium } = options;
  if (options.passphrase !== undefined && options.passphrase.length === 0) return err('EMPTY_PASSPHRASE', 'the passphrase must not be empty');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const existing = readLayout(dir);
  const dbName = existing.ok ? existing.value.db : DB_FILE;
  // A cairn.json without its database is an interrupted init (it holds no secret): start over.
  if (existsSync(join(dir, dbName)) || existsSync(join(dir, DB_FILE))) return err('ALREADY_INITIALIZED', `${dir} already holds a Cairn home`);
  if (!existing.ok && existing.code === 'BAD_LAYOUT') return err('ALREADY_INITIALIZED', `${dir} holds a cairn.json this Cairn cannot replace: ${existing.message}`);

  const layout = newLayout(newKdfParams(options, options));
  const key = deriveMasterKey(sodium, layout.kdf, options);
  if (!key.ok) return err('BAD_KEY_FILE', key.message);

  const finalPath = join(dir, layout.db);
  const tmpPath = finalPath + CREATING;
  removeDbFiles(tmpPath);
  // Created first with mode 0600: SQLite gives its -wal and -shm files the database file's mode.
  closeSync(openSync(tmpPath, 'wx', 0o600));
  const building = openClientDb(tmpPath);
  try {
    building.transaction(() => initVault(building, sodium, key.value))();
  } finally {
    building.close(); // checkpoints and removes the -wal and -shm files
  }
  writeLayout(dir, layout);
  renameSync(tmpPath, finalPath);
  fsyncDir(dir);

  const db = openClientDb(finalPath);
  const vault = unlockVault(db, sodium, key.value);
  if (!vault.ok) {
    db.close();
    throw new Error(`a home just created does not unlock: ${vault.message}`);
  }
  return ok(home(dir, layout, db, vault.value));
}

/** Opens the home in dir. A wrong passphrase or key file is WRONG_PASSPHRASE and changes nothing on disk. */
export function openHome(options: HomeOptions): Result<Home, OpenHomeError> {
  const { dir, sodium } = options;
  const layout = readLayout(dir);
  if (!layout.ok) return layout;
  const dbPath = join(dir, layout.value.db);
  if (!existsSync(dbPath)) return err('NOT_INITIALIZED', `${dir} was not fully initialized (no ${layout.value.db}); run cairn init again`);

  const key = deriveMasterKey(sodium, layout.value.kdf, options);
  if (!key.ok) return key;

  const db = openClientDb(dbPath, { migrate: false });
  let keep = false;
  try {
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION) {
      return err('BAD_LAYOUT', `${dbPath} has schema version ${version}, newer than this Cairn knows (${SCHEMA_VERSION}); upgrade Cairn`);
    }
    const vault = unlockVault(db, sodium, key.value);
    if (!vault.ok) return vault;
    migrate(db);
    keep = true;
    return ok(home(dir, layout.value, db, vault.value));
  } finally {
    if (!keep) db.close();
  }
}

function home(dir: string, layout: HomeLayout, db: ClientDb, vault: Vault): Home {
  return { dir, layout, db, vault, close: () => db.close() };
}

function removeDbFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}
