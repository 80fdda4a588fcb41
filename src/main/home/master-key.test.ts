import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { toHex } from '../../shared/ids.js';
import { loadSodium } from '../crypto/index.js';
import { KDF_DEFAULT, KDF_FAST, deriveMasterKey, kdfCosts, newKdfParams, readKeyFile } from './master-key.js';

describe('master key', () => {
  let sodium: Sodium;
  let dir: string;
  beforeAll(async () => {
    sodium = await loadSodium('native');
    dir = mkdtempSync(join(tmpdir(), 'cairn-master-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses Argon2id ops 2 / 64 MiB unless the test-only fast costs are asked for', () => {
    expect(KDF_DEFAULT).toEqual({ ops: 2, mem: 64 * 1024 * 1024 });
    expect(KDF_FAST).toEqual({ ops: 1, mem: 8 * 1024 * 1024 });
    expect(kdfCosts({ env: {} })).toEqual(KDF_DEFAULT);
    expect(kdfCosts({ env: { CAIRN_KDF_FAST: '0' } })).toEqual(KDF_DEFAULT);
    expect(kdfCosts({ env: { CAIRN_KDF_FAST: '1' } })).toEqual(KDF_FAST);
    expect(kdfCosts({ fast: true, env: {} })).toEqual(KDF_FAST);
  });

  it('draws a fresh 16-byte salt per passphrase home', () => {
    const a = newKdfParams({ passphrase: 'x' }, { fast: true });
    const b = newKdfParams({ passphrase: 'x' }, { fast: true });
    expect(a).toMatchObject({ alg: 'argon2id13', ops: 1, mem: 8 * 1024 * 1024 });
    expect(a.alg === 'argon2id13' && a.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toEqual(b);
    expect(newKdfParams({ keyFile: '/k' })).toEqual({ alg: 'keyfile' });
  });

  it('derives a 32-byte key that depends on passphrase and salt, with NFC normalisation', () => {
    const kdf = { alg: 'argon2id13' as const, ops: 1, mem: 8 * 1024 * 1024, salt: '00'.repeat(16) };
    const k1 = deriveMasterKey(sodium, kdf, { passphrase: 'caf\u00e9 au lait' });
    const k2 = deriveMasterKey(sodium, kdf, { passphrase: 'cafe\u0301 au lait' });
    const k3 = deriveMasterKey(sodium, kdf, { passphrase: 'cafe au lait' });
    const k4 = deriveMasterKey(sodium, { ...kdf, salt: '01'.repeat(16) }, { passphrase: 'caf\u00e9 au lait' });
    if (!k1.ok || !k2.ok || !k3.ok || !k4.ok) throw new Error('derivation failed');
    expect(k1.value).toHaveLength(32);
    expect(toHex(k1.value)).toBe(toHex(k2.value));
    expect(toHex(k1.value)).not.toBe(toHex(k3.value));
    expect(toHex(k1.value)).not.toBe(toHex(k4.value));
    expect(deriveMasterKey(sodium, kdf, { keyFile: '/nope' })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
  });

  it('reads key files of 32 raw bytes or 64 hex digits, and explains the rest', () => {
    const raw = new Uint8Array(32).map((_, i) => i * 7);
    writeFileSync(join(dir, 'raw.key'), raw);
    writeFileSync(join(dir, 'hex.key'), `${toHex(raw)}\n`);
    writeFileSync(join(dir, 'short.key'), new Uint8Array(31));
    expect(readKeyFile(join(dir, 'raw.key'))).toEqual({ ok: true, value: raw });
    expect(readKeyFile(join(dir, 'hex.key'))).toEqual({ ok: true, value: raw });
    expect(readKeyFile(join(dir, 'short.key'))).toMatchObject({ ok: false, code: 'BAD_KEY_FILE', message: expect.stringMatching(/exactly 32 bytes.*it has 31 bytes/) });
    expect(readKeyFile(join(dir, 'missing.key'))).toMatchObject({ ok: false, code: 'BAD_KEY_FILE', message: expect.stringMatching(/ENOENT/) });
    const viaKdf = deriveMasterKey(sodium, { alg: 'keyfile' }, { keyFile: join(dir, 'raw.key') });
    expect(viaKdf).toEqual({ ok: true, value: raw });
    expect(deriveMasterKey(sodium, { alg: 'keyfile' }, { passphrase: 'p' })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
  });
});
