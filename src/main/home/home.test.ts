import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { loadSodium } from '../crypto/index.js';
import { SCHEMA_VERSION, schemaVersion } from '../db/migrations.js';
import { openClientDb } from '../db/open.js';
import { createHome, openHome, type Home } from './home.js';
import { KDF_DEFAULT } from './master-key.js';

const FAST = { fast: true, env: {} };

/** Every file in dir with its size, mtime and content hash. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    out[name] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
  }
  return out;
}

describe('home directory', () => {
  let sodium: Sodium;
  let root: string;
  let dir: string;
  const open: Home[] = [];
  const keep = <T extends { ok: boolean }>(r: T): T => {
    if (r.ok) open.push((r as unknown as { value: Home }).value);
    return r;
  };
  beforeAll(async () => {
    sodium = await loadSodium('native');
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cairn-home-'));
    dir = join(root, 'nested', 'home');
  });
  afterEach(() => {
    for (const h of open.splice(0)) h.close();
    rmSync(root, { recursive: true, force: true });
  });

  const create = (passphrase = 'correct horse') => {
    const r = keep(createHome({ dir, passphrase, sodium, ...FAST }));
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };

  it('creates a private home: 0700 dir, cairn.json, migrated db with a vault verifier', () => {
    const home = create();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).filter((f) => !f.startsWith('cairn.db-')).sort()).toEqual(['cairn.db', 'cairn.json']);
    expect(statSync(join(dir, 'cairn.db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cairn.json')).mode & 0o777).toBe(0o600);
    expect(home.layout).toMatchObject({ format: 'cairn-home', layout: 1, db: 'cairn.db', kdf: { alg: 'argon2id13', ops: 1, mem: 8 * 1024 * 1024 } });
    expect(JSON.parse(readFileSync(join(dir, 'cairn.json'), 'utf8'))).toEqual(home.layout);
    expect(home.dir).toBe(dir);
    expect(schemaVersion(home.db)).toBe(SCHEMA_VERSION);
    expect(home.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(home.vault.names()).toEqual([]);
  });

  it('records the default Argon2id costs when not told to be fast', () => {
    const r = keep(createHome({ dir, passphrase: 'p', sodium, env: {} }));
    expect(r.ok && r.value.layout.kdf).toMatchObject({ alg: 'argon2id13', ...KDF_DEFAULT });
  });

  it('reopens with the passphrase and keeps the vault', () => {
    const home = create();
    home.vault.put('device.seed', new Uint8Array([1, 2, 3]));
    home.close();
    open.length = 0;
    const again = keep(openHome({ dir, passphrase: 'correct horse', sodium }));
    if (!again.ok) throw new Error(again.message);
    expect(again.value.vault.get('device.seed')).toEqual(new Uint8Array([1, 2, 3]));
    expect(again.value.layout.kdf).toEqual(home.layout.kdf);
  });

  it('refuses a wrong passphrase and changes nothing on disk', () => {
    const home = create();
    home.vault.put('x', new Uint8Array([7]));
    home.close();
    open.length = 0;
    const before = snapshot(dir);
    const r = openHome({ dir, passphrase: 'wrong horse', sodium });
    expect(r).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(snapshot(dir)).toEqual(before);
    expect(openHome({ dir, keyFile: join(root, 'k'), sodium })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(snapshot(dir)).toEqual(before);
  });

  it('checks the passphrase before migrating an older database', () => {
    create().close();
    open.length = 0;
    const db = openClientDb(join(dir, 'cairn.db'));
    db.exec('DROP TABLE records');
    db.pragma(`user_version = ${SCHEMA_VERSION - 1}`);
    db.close();
    const before = snapshot(dir);
    expect(openHome({ dir, passphrase: 'nope', sodium })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(snapshot(dir)).toEqual(before);
    const r = keep(openHome({ dir, passphrase: 'correct horse', sodium }));
    expect(r.ok && schemaVersion(r.value.db)).toBe(SCHEMA_VERSION);
  });

  it('works with a key file instead of a passphrase', () => {
    const keyFile = join(root, 'master.key');
    writeFileSync(keyFile, new Uint8Array(32).fill(5));
    const r = keep(createHome({ dir, keyFile, sodium }));
    if (!r.ok) throw new Error(r.message);
    expect(r.value.layout.kdf).toEqual({ alg: 'keyfile' });
    r.value.vault.put('s', new Uint8Array([1]));
    r.value.close();
    open.length = 0;
    const before = snapshot(dir);
    writeFileSync(join(root, 'other.key'), new Uint8Array(32).fill(6));
    expect(openHome({ dir, keyFile: join(root, 'other.key'), sodium })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(openHome({ dir, passphrase: 'p', sodium })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(openHome({ dir, keyFile: join(root, 'missing.key'), sodium })).toMatchObject({ ok: false, code: 'BAD_KEY_FILE' });
    expect(snapshot(dir)).toEqual(before);
    const again = keep(openHome({ dir, keyFile, sodium }));
    expect(again.ok && again.value.vault.get('s')).toEqual(new Uint8Array([1]));
    expect(createHome({ dir: join(root, 'h2'), keyFile: join(root, 'missing.key'), sodium })).toMatchObject({ ok: false, code: 'BAD_KEY_FILE' });
  });

  it('works with a raw master key (the desktop app\'s safeStorage key), interchangeable with a key file', () => {
    const masterKey = new Uint8Array(32).fill(7);
    const r = keep(createHome({ dir, masterKey, sodium }));
    if (!r.ok) throw new Error(r.message);
    expect(r.value.layout.kdf).toEqual({ alg: 'keyfile' });
    r.value.vault.put('s', new Uint8Array([2]));
    r.value.close();
    open.length = 0;
    const before = snapshot(dir);
    expect(openHome({ dir, masterKey: new Uint8Array(32).fill(8), sodium })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(openHome({ dir, masterKey: new Uint8Array(31).fill(7), sodium })).toMatchObject({ ok: false, code: 'BAD_KEY_FILE' });
    expect(openHome({ dir, passphrase: 'p', sodium })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE' });
    expect(snapshot(dir)).toEqual(before);
    const keyFile = join(root, 'same.key');
    writeFileSync(keyFile, masterKey);
    const viaFile = keep(openHome({ dir, keyFile, sodium }));
    expect(viaFile.ok && viaFile.value.vault.get('s')).toEqual(new Uint8Array([2]));
    const pass = keep(createHome({ dir: join(root, 'p'), passphrase: 'pw', sodium, ...FAST }));
    expect(pass.ok).toBe(true);
    expect(openHome({ dir: join(root, 'p'), masterKey, sodium })).toMatchObject({ ok: false, code: 'WRONG_PASSPHRASE', message: expect.stringContaining('stored key') });
  });

  it('says NOT_INITIALIZED for an empty or missing dir and BAD_LAYOUT for a foreign or newer one', () => {
    expect(openHome({ dir, passphrase: 'p', sodium })).toMatchObject({ ok: false, code: 'NOT_INITIALIZED' });
    expect(existsSync(dir)).toBe(false);
    create().close();
    open.length = 0;
    const layout = JSON.parse(readFileSync(join(dir, 'cairn.json'), 'utf8'));
    writeFileSync(join(dir, 'cairn.json'), JSON.stringify({ ...layout, layout: 2 }));
    const newer = openHome({ dir, passphrase: 'correct horse', sodium });
    expect(newer).toMatchObject({ ok: false, code: 'BAD_LAYOUT' });
    expect(!newer.ok && newer.message).toMatch(/newer than this Cairn supports/);
    writeFileSync(join(dir, 'cairn.json'), JSON.stringify({ name: 'something else' }));
    expect(openHome({ dir, passphrase: 'correct horse', sodium })).toMatchObject({ ok: false, code: 'BAD_LAYOUT' });
    writeFileSync(join(dir, 'cairn.json'), JSON.stringify(layout));
    const db = openClientDb(join(dir, 'cairn.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const future = openHome({ dir, passphrase: 'correct horse', sodium });
    expect(future).toMatchObject({ ok: false, code: 'BAD_LAYOUT' });
    expect(!future.ok && future.message).toMatch(/schema version \d+, newer than this Cairn knows/);
  });

  it('refuses to create over an existing home or with an empty passphrase', () => {
    create();
    expect(createHome({ dir, passphrase: 'other', sodium, ...FAST })).toMatchObject({ ok: false, code: 'ALREADY_INITIALIZED' });
    expect(createHome({ dir: join(root, 'h3'), passphrase: '', sodium, ...FAST })).toMatchObject({ ok: false, code: 'EMPTY_PASSPHRASE' });
    writeFileSync(join(root, 'cairn.json'), '{"format":"cairn-home","layout":7}');
    expect(createHome({ dir: root, passphrase: 'p', sodium, ...FAST })).toMatchObject({ ok: false, code: 'ALREADY_INITIALIZED' });
  });

  it('recovers from an interrupted init: a cairn.json and a half-built db but no cairn.db', () => {
    create().close();
    open.length = 0;
    rmSync(join(dir, 'cairn.db'));
    writeFileSync(join(dir, 'cairn.db.creating'), 'partial');
    expect(openHome({ dir, passphrase: 'correct horse', sodium })).toMatchObject({ ok: false, code: 'NOT_INITIALIZED' });
    const home = create('new passphrase');
    expect(readdirSync(dir).filter((f) => !f.startsWith('cairn.db-')).sort()).toEqual(['cairn.db', 'cairn.json']);
    home.close();
    open.length = 0;
    expect(keep(openHome({ dir, passphrase: 'new passphrase', sodium })).ok).toBe(true);
  });
});
