// Secrets at rest: each vault row is XChaCha20-Poly1305 under the master key with the entry name as
// associated data, so a ciphertext moved to another name does not open. The 'verifier' entry, written at
// creation, proves a master key before anything is read or written.
import { randomBytes, type Sodium } from '../../shared/crypto/sodium.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { ClientDb } from '../db/open.js';

export const VERIFIER = 'verifier';
const VERIFIER_TEXT = new TextEncoder().encode('cairn vault verifier v1');
const NONCE_BYTES = 24;
const KEY_BYTES = 32;

export type Vault = {
  /** The secret stored under name, or null. Throws if the entry does not decrypt (a corrupted or tampered database). */
  get(name: string): Uint8Array | null;
  /** Seals bytes under name, replacing any previous value. */
  put(name: string, bytes: Uint8Array): void;
  has(name: string): boolean;
  delete(name: string): boolean;
  /** Entry names, the verifier excluded. */
  names(): string[];
};

export type UnlockError = 'WRONG_PASSPHRASE' | 'NOT_INITIALIZED';

type Row = { nonce: Uint8Array; ciphertext: Uint8Array };

const nameBytes = (name: string) => new TextEncoder().encode(name);

function vaultTableExists(db: ClientDb): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vault'").get() !== undefined;
}

function openVault(db: ClientDb, sodium: Sodium, masterKey: Uint8Array): Vault {
  if (masterKey.length !== KEY_BYTES) throw new Error(`the master key must be ${KEY_BYTES} bytes`);
  const key = new Uint8Array(masterKey);
  const q = {
    get: db.prepare<[string], Row>('SELECT nonce, ciphertext FROM vault WHERE name = ?'),
    put: db.prepare<[string, Uint8Array, Uint8Array]>(
      'INSERT INTO vault (name, nonce, ciphertext) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext',
    ),
    delete: db.prepare<[string]>('DELETE FROM vault WHERE name = ?'),
    names: db.prepare<[string], { name: string }>('SELECT name FROM vault WHERE name != ? ORDER BY name'),
  };
  return {
    get(name) {
      const row = q.get.get(name);
      if (!row) return null;
      const plain = sodium.aeadDecrypt(row.ciphertext, nameBytes(name), row.nonce, key);
      if (!plain) throw new Error(`vault entry "${name}" does not decrypt: the database is corrupted or was tampered with`);
      return plain;
    },
    put(name, bytes) {
      const nonce = randomBytes(NONCE_BYTES);
      q.put.run(name, nonce, sodium.aeadEncrypt(bytes, nameBytes(name), nonce, key));
    },
    has: (name) => q.get.get(name) !== undefined,
    delete: (name) => q.delete.run(name).changes > 0,
    names: () => q.names.all(VERIFIER).map((r) => r.name),
  };
}

/** Starts the vault of a new home: writes the verifier under masterKey. Throws if the vault already has one. */
export function initVault(db: ClientDb, sodium: Sodium, masterKey: Uint8Array): Vault {
  const vault = openVault(db, sodium, masterKey);
  if (vault.has(VERIFIER)) throw new Error('the vault is already initialized');
  vault.put(VERIFIER, VERIFIER_TEXT);
  return vault;
}

/** Opens the vault if masterKey opens the verifier. Reads only: on failure nothing in the database changes. */
export function unlockVault(db: ClientDb, sodium: Sodium, masterKey: Uint8Array): Result<Vault, UnlockError> {
  if (!vaultTableExists(db)) return err('NOT_INITIALIZED', 'this database has no vault yet');
  const row = db.prepare<[string], Row>('SELECT nonce, ciphertext FROM vault WHERE name = ?').get(VERIFIER);
  if (!row) return err('NOT_INITIALIZED', 'the vault has no verifier yet');
  if (masterKey.length !== KEY_BYTES) return err('WRONG_PASSPHRASE', 'wrong passphrase or key file');
  const plain = sodium.aeadDecrypt(row.ciphertext, nameBytes(VERIFIER), row.nonce, masterKey);
  if (!plain || Buffer.compare(plain, VERIFIER_TEXT) !== 0) return err('WRONG_PASSPHRASE', 'wrong passphrase or key file');
  return ok(openVault(db, sodium, masterKey));
}
