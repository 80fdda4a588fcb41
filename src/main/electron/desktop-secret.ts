// How the desktop app unlocks its home: a random 32-byte master key kept encrypted by the OS keychain through
// safeStorage (in <userData>/master-key.enc), or, where safeStorage would only obfuscate it (Linux's
// 'basic_text' backend) or is unavailable, a passphrase the user types. Node only; main.ts passes safeStorage.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readLayout } from '../home/index.js';
import { MASTER_KEY_BYTES } from '../home/master-key.js';

export const MASTER_KEY_FILE = 'master-key.enc';

/** The part of Electron's safeStorage this needs (its async API). */
export type KeyStorage = {
  available(): Promise<boolean>;
  /** Linux's selected backend ('basic_text', 'gnome_libsecret', ...); null elsewhere. */
  backend(): string | null;
  encrypt(text: string): Promise<Uint8Array>;
  decrypt(data: Uint8Array): Promise<string>;
};

export type SecretPlan =
  | { kind: 'key'; masterKey: Uint8Array; createHome: boolean }
  | { kind: 'passphrase'; createHome: boolean; reason: string }
  | { kind: 'error'; message: string };

/** Whether safeStorage protects secrets for real: available, and not Linux's plain-text fallback. */
export async function keychainUsable(storage: KeyStorage): Promise<boolean> {
  return storage.backend() !== 'basic_text' && (await storage.available());
}

function writePrivateFile(path: string, data: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

async function readStoredKey(path: string, storage: KeyStorage): Promise<Uint8Array | string> {
  try {
    const hex = (await storage.decrypt(new Uint8Array(readFileSync(path)))).trim();
    if (!new RegExp(`^[0-9a-f]{${MASTER_KEY_BYTES * 2}}$`).test(hex)) return `${path} does not hold a key`;
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  } catch (e) {
    return `the OS keychain cannot decrypt ${path}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * Decides how to unlock the home in homeDir. A new home gets a keychain key when the keychain is usable
 * (the key is stored before the home exists, so a crash in between reuses it), else a passphrase. An
 * existing home is unlocked the way it was created.
 */
export async function planDesktopSecret(options: { userDataDir: string; homeDir: string; storage: KeyStorage }): Promise<SecretPlan> {
  const { storage } = options;
  const keyPath = join(options.userDataDir, MASTER_KEY_FILE);
  const layout = readLayout(options.homeDir);
  if (!layout.ok && layout.code === 'BAD_LAYOUT') return { kind: 'error', message: layout.message };
  if (layout.ok && layout.value.kdf.alg === 'argon2id13') return { kind: 'passphrase', createHome: false, reason: 'This device\'s data is protected by a passphrase.' };
  const usable = await keychainUsable(storage);

  if (layout.ok) {
    if (!existsSync(keyPath)) return { kind: 'error', message: `The key of ${options.homeDir} is missing (${keyPath}); the data cannot be opened without it.` };
    if (!usable) return { kind: 'error', message: `The OS keychain that holds this device's key is not available (backend: ${storage.backend() ?? 'unknown'}).` };
    const key = await readStoredKey(keyPath, storage);
    return typeof key === 'string' ? { kind: 'error', message: key } : { kind: 'key', masterKey: key, createHome: false };
  }

  if (!usable) {
    return { kind: 'passphrase', createHome: true, reason: 'No OS keychain is available to protect this device\'s key, so choose a passphrase for it.' };
  }
  if (existsSync(keyPath)) {
    const key = await readStoredKey(keyPath, storage);
    if (typeof key !== 'string') return { kind: 'key', masterKey: key, createHome: true };
  }
  const masterKey = new Uint8Array(randomBytes(MASTER_KEY_BYTES));
  writePrivateFile(keyPath, await storage.encrypt(Buffer.from(masterKey).toString('hex')));
  return { kind: 'key', masterKey, createHome: true };
}
