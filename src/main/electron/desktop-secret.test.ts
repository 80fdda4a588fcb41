import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { loadSodium } from '../crypto/index.js';
import { createHome } from '../home/index.js';
import { MASTER_KEY_FILE, planDesktopSecret, type KeyStorage } from './desktop-secret.js';

/** A keychain that "encrypts" by reversing and prefixing, so tests can see it was used. */
function keychain(backend: string | null = 'gnome_libsecret', available = true): KeyStorage & { used: number } {
  const k = {
    used: 0,
    available: async () => available,
    backend: () => backend,
    encrypt: async (text: string) => (k.used++, new TextEncoder().encode(`enc:${[...text].reverse().join('')}`)),
    decrypt: async (data: Uint8Array) => {
      const text = new TextDecoder().decode(data);
      if (!text.startsWith('enc:')) throw new Error('not ours');
      return [...text.slice(4)].reverse().join('');
    },
  };
  return k;
}

let sodium: Sodium;
let userDataDir: string;
let homeDir: string;
beforeAll(async () => {
  sodium = await loadSodium('native');
});
beforeEach(() => {
  userDataDir = mkdtempSync(join(tmpdir(), 'cairn-desktop-'));
  homeDir = join(userDataDir, 'home');
});
afterEach(() => rmSync(userDataDir, { recursive: true, force: true }));

describe('planDesktopSecret', () => {
  it('gives a new home a random key kept encrypted by the keychain (0600), and reuses it', async () => {
    const storage = keychain();
    const first = await planDesktopSecret({ userDataDir, homeDir, storage });
    if (first.kind !== 'key') throw new Error(first.kind);
    expect(first.createHome).toBe(true);
    expect(first.masterKey).toHaveLength(32);
    const stored = join(userDataDir, MASTER_KEY_FILE);
    expect(statSync(stored).mode & 0o777).toBe(0o600);
    expect(readFileSync(stored, 'utf8')).not.toContain(Buffer.from(first.masterKey).toString('hex'));

    // Interrupted before the home was made: the stored key is reused, not replaced.
    const again = await planDesktopSecret({ userDataDir, homeDir, storage });
    expect(again).toEqual({ kind: 'key', masterKey: first.masterKey, createHome: true });

    const home = createHome({ dir: homeDir, sodium, masterKey: first.masterKey });
    if (!home.ok) throw new Error(home.message);
    home.value.close();
    expect(await planDesktopSecret({ userDataDir, homeDir, storage })).toEqual({ kind: 'key', masterKey: first.masterKey, createHome: false });
  });

  it('asks for a passphrase instead where safeStorage would store the key as plain text', async () => {
    for (const storage of [keychain('basic_text'), keychain('gnome_libsecret', false)]) {
      expect(await planDesktopSecret({ userDataDir, homeDir, storage })).toMatchObject({ kind: 'passphrase', createHome: true });
      expect(storage.used).toBe(0);
      expect(existsSync(join(userDataDir, MASTER_KEY_FILE))).toBe(false);
    }
  });

  it('keeps asking for the passphrase of a home created with one, even once a keychain appears', async () => {
    const home = createHome({ dir: homeDir, sodium, passphrase: 'pw', fast: true });
    if (!home.ok) throw new Error(home.message);
    home.value.close();
    expect(await planDesktopSecret({ userDataDir, homeDir, storage: keychain() })).toMatchObject({ kind: 'passphrase', createHome: false });
  });

  it('explains a key-protected home whose key is missing, unreadable, or whose keychain is gone', async () => {
    const storage = keychain();
    const plan = await planDesktopSecret({ userDataDir, homeDir, storage });
    if (plan.kind !== 'key') throw new Error(plan.kind);
    const home = createHome({ dir: homeDir, sodium, masterKey: plan.masterKey });
    if (!home.ok) throw new Error(home.message);
    home.value.close();
    expect(await planDesktopSecret({ userDataDir, homeDir, storage: keychain('basic_text') })).toMatchObject({ kind: 'error', message: expect.stringContaining('keychain') });
    writeFileSync(join(userDataDir, MASTER_KEY_FILE), 'garbage');
    expect(await planDesktopSecret({ userDataDir, homeDir, storage })).toMatchObject({ kind: 'error', message: expect.stringContaining('cannot decrypt') });
    rmSync(join(userDataDir, MASTER_KEY_FILE));
    expect(await planDesktopSecret({ userDataDir, homeDir, storage })).toMatchObject({ kind: 'error', message: expect.stringContaining('missing') });
  });
});

describe('openDesktopHome', () => {
  it('creates the home, refuses a wrong passphrase for another try, and starts the core of an existing account', async () => {
    const { openDesktopHome, lockDesktopHome } = await import('./desktop-home.js');
    const { fakeFactory } = await import('../serve/test-fakes.js');
    const { silentLogger } = await import('../sync/logger.js');
    const lock = lockDesktopHome(homeDir);
    if (!lock.ok) throw new Error(lock.message);
    expect(lockDesktopHome(homeDir).ok).toBe(false);
    const factory = fakeFactory();
    const base = { dir: homeDir, sodium, factory, log: silentLogger, env: { CAIRN_KDF_FAST: '1' } };
    const created = await openDesktopHome({ ...base, secret: { passphrase: 'right' }, createHome: true });
    if (!created.ok) throw new Error(created.message);
    expect(await created.value.host.onboarding.hasAccount()).toBe(false);
    expect(await created.value.host.onboarding.createAccount({ name: 'Ada', relays: ['ws://127.0.0.1:1'] })).toMatchObject({ ok: true });
    await created.value.close();

    expect(await openDesktopHome({ ...base, secret: { passphrase: 'wrong' }, createHome: false })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    const started: unknown[] = [];
    const reopened = await openDesktopHome({ ...base, secret: { passphrase: 'right' }, createHome: false, onStarted: (c) => started.push(c) });
    if (!reopened.ok) throw new Error(reopened.message);
    expect(started).toHaveLength(1);
    expect(await reopened.value.host.api.whoami()).toMatchObject({ ok: true, value: { name: 'Alice' } });
    await reopened.value.close();
    lock.value.release();
  });
});
