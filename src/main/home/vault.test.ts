import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { loadSodium } from '../crypto/index.js';
import { migrate } from '../db/migrations.js';
import { openClientDb } from '../db/open.js';
import { tempClientDb } from '../db/test-db.js';
import { VERIFIER, initVault, unlockVault } from './vault.js';

const KEY = new Uint8Array(32).fill(0x11);
const OTHER = new Uint8Array(32).fill(0x22);

describe('vault', () => {
  let sodium: Sodium;
  let t: ReturnType<typeof tempClientDb>;
  beforeAll(async () => {
    sodium = await loadSodium('native');
  });
  beforeEach(() => {
    t = tempClientDb();
  });
  afterEach(() => t.cleanup());

  const dump = () => t.db.prepare('SELECT name, hex(nonce) AS n, hex(ciphertext) AS c FROM vault ORDER BY name').all();

  it('seals entries under the master key and opens them again after unlocking', () => {
    const vault = initVault(t.db, sodium, KEY);
    const seed = new Uint8Array(32).map((_, i) => i);
    vault.put('account.seed', seed);
    vault.put('empty', new Uint8Array(0));
    expect(vault.get('account.seed')).toEqual(seed);
    expect(vault.get('missing')).toBeNull();
    expect(vault.names()).toEqual(['account.seed', 'empty']);
    const stored = t.db.prepare<[], { ciphertext: Buffer }>("SELECT ciphertext FROM vault WHERE name = 'account.seed'").get()!;
    expect(stored.ciphertext).toHaveLength(32 + 16);
    expect(Buffer.from(stored.ciphertext).includes(Buffer.from(seed))).toBe(false);

    const again = unlockVault(t.db, sodium, KEY);
    if (!again.ok) throw new Error(again.message);
    expect(again.value.get('account.seed')).toEqual(seed);
    expect(again.value.get('empty')).toEqual(new Uint8Array(0));
    again.value.put('account.seed', new Uint8Array([1]));
    expect(vault.get('account.seed')).toEqual(new Uint8Array([1]));
    expect(again.value.delete('empty')).toBe(true);
    expect(again.value.delete('empty')).toBe(false);
    expect(vault.has('empty')).toBe(false);
    expect(() => initVault(t.db, sodium, KEY)).toThrow(/already initialized/);
  });

  it('refuses a wrong key with WRONG_PASSPHRASE and changes nothing', () => {
    initVault(t.db, sodium, KEY).put('secret', new Uint8Array([9, 9]));
    const before = dump();
    expect(unlockVault(t.db, sodium, OTHER)).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(unlockVault(t.db, sodium, new Uint8Array(16))).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(dump()).toEqual(before);
  });

  it('says NOT_INITIALIZED without a verifier or without a vault table', () => {
    expect(unlockVault(t.db, sodium, KEY)).toMatchObject({ ok: false, code: 'NOT_INITIALIZED' });
    const bare = openClientDb(':memory:', { migrate: false });
    expect(unlockVault(bare, sodium, KEY)).toMatchObject({ ok: false, code: 'NOT_INITIALIZED' });
    migrate(bare);
    expect(unlockVault(bare, sodium, KEY)).toMatchObject({ ok: false, code: 'NOT_INITIALIZED' });
    bare.close();
  });

  it('binds each ciphertext to its name: a row moved to another name does not open', () => {
    const vault = initVault(t.db, sodium, KEY);
    vault.put('a', new Uint8Array([1, 2, 3]));
    t.db.prepare("INSERT INTO vault (name, nonce, ciphertext) SELECT 'b', nonce, ciphertext FROM vault WHERE name = 'a'").run();
    expect(() => vault.get('b')).toThrow(/does not decrypt/);
    t.db.prepare(`UPDATE vault SET ciphertext = (SELECT ciphertext FROM vault WHERE name = 'a') WHERE name = ?`).run(VERIFIER);
    expect(unlockVault(t.db, sodium, KEY)).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
  });
});
