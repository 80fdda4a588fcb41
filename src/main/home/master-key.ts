// The master key that seals the vault: Argon2id over the passphrase with the salt and costs recorded in
// cairn.json, or 32 raw bytes from a key file (for unattended devices whose key lives elsewhere).
import { readFileSync } from 'node:fs';
import { randomBytes, type Sodium } from '../../shared/crypto/sodium.js';
import { fromHex, toHex } from '../../shared/ids.js';
import { err, ok, type Result } from '../../shared/result.js';
import { SALT_BYTES, type KdfParams, type PassphraseKdf } from './layout.js';

export const MASTER_KEY_BYTES = 32;
/** Argon2id costs for new homes: 2 passes over 64 MiB (libsodium's "interactive" memory, one pass more). */
export const KDF_DEFAULT = { ops: 2, mem: 64 * 1024 * 1024 } as const;
/** TEST ONLY: 1 pass over 8 MiB, far too cheap against offline guessing. Chosen by CAIRN_KDF_FAST=1 or `fast`. */
export const KDF_FAST = { ops: 1, mem: 8 * 1024 * 1024 } as const;

/** How the caller unlocks a home: a passphrase, a file holding the key, or the key itself (the desktop app keeps
 *  it in the OS keychain through safeStorage). A key file and a raw key unlock the same kind of home. */
export type HomeSecret =
  | { passphrase: string; keyFile?: undefined; masterKey?: undefined }
  | { keyFile: string; passphrase?: undefined; masterKey?: undefined }
  | { masterKey: Uint8Array; passphrase?: undefined; keyFile?: undefined };

export type KeyFileError = 'BAD_KEY_FILE';

export type KdfCostOptions = {
  /** TEST ONLY: cheap Argon2id costs. */
  fast?: boolean;
  env?: Record<string, string | undefined>;
};

/** Costs for a new passphrase home: KDF_FAST when asked or when CAIRN_KDF_FAST=1 (test-only), else KDF_DEFAULT. */
export function kdfCosts(options: KdfCostOptions = {}): { ops: number; mem: number } {
  const env = options.env ?? process.env;
  return options.fast === true || env.CAIRN_KDF_FAST === '1' ? { ...KDF_FAST } : { ...KDF_DEFAULT };
}

/** KDF parameters for a new home: a fresh random salt for a passphrase, nothing for a key file. */
export function newKdfParams(secret: HomeSecret, options: KdfCostOptions = {}): KdfParams {
  if (secret.passphrase === undefined) return { alg: 'keyfile' };
  return { alg: 'argon2id13', ...kdfCosts(options), salt: toHex(randomBytes(SALT_BYTES)) };
}

/** The passphrase's bytes: Unicode NFC first, so the same passphrase typed on another system derives the same key. */
export function passphraseBytes(passphrase: string): Uint8Array {
  return new TextEncoder().encode(passphrase.normalize('NFC'));
}

export function derivePassphraseKey(sodium: Sodium, kdf: PassphraseKdf, passphrase: string): Uint8Array {
  const salt = fromHex(kdf.salt);
  if (!salt || salt.length !== SALT_BYTES) throw new Error('kdf salt must be 16 bytes of hex (validate cairn.json with parseLayout)');
  return sodium.pwhash(MASTER_KEY_BYTES, passphraseBytes(passphrase), salt, kdf.ops, kdf.mem);
}

/** Reads a key file: exactly 32 raw bytes, or 64 hex digits with optional surrounding whitespace. */
export function readKeyFile(path: string): Result<Uint8Array, KeyFileError> {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    return err('BAD_KEY_FILE', `cannot read key file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (data.length === MASTER_KEY_BYTES) return ok(new Uint8Array(data));
  const hex = data.toString('latin1').trim();
  const key = /^[0-9a-fA-F]{64}$/.test(hex) ? fromHex(hex) : null;
  if (key) return ok(key);
  return err('BAD_KEY_FILE', `key file ${path} must hold exactly ${MASTER_KEY_BYTES} bytes (or ${MASTER_KEY_BYTES * 2} hex digits); it has ${data.length} bytes`);
}

export type MasterKeyError = KeyFileError | 'WRONG_PASSPHRASE';

/** The master key for a home whose cairn.json holds `kdf`. WRONG_PASSPHRASE when the secret is of the other kind. */
export function deriveMasterKey(sodium: Sodium, kdf: KdfParams, secret: HomeSecret): Result<Uint8Array, MasterKeyError> {
  if (kdf.alg === 'keyfile') {
    if (secret.masterKey !== undefined) {
      if (secret.masterKey.length !== MASTER_KEY_BYTES) return err('BAD_KEY_FILE', `a master key must be ${MASTER_KEY_BYTES} bytes, not ${secret.masterKey.length}`);
      return ok(Uint8Array.from(secret.masterKey));
    }
    if (secret.keyFile === undefined) return err('WRONG_PASSPHRASE', 'this home is unlocked with a key file, not a passphrase');
    return readKeyFile(secret.keyFile);
  }
  if (secret.passphrase === undefined) return err('WRONG_PASSPHRASE', `this home is unlocked with a passphrase, not a ${secret.masterKey !== undefined ? 'stored key' : 'key file'}`);
  return ok(derivePassphraseKey(sodium, kdf, secret.passphrase));
}
