import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAYOUT_FILE, newLayout, parseLayout, readLayout, resolveHomeDir, writeLayout, type HomeLayout } from './layout.js';

const SALT = '00112233445566778899aabbccddeeff';
const valid = (): HomeLayout => newLayout({ alg: 'argon2id13', ops: 2, mem: 64 * 1024 * 1024, salt: SALT }, new Date('2026-11-01T10:00:00Z'));
const text = (v: unknown) => JSON.stringify(v);

describe('cairn.json', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-layout-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes and reads back the layout of the design (mode 0600, no temp file left)', () => {
    writeLayout(dir, valid());
    const raw = JSON.parse(readFileSync(join(dir, LAYOUT_FILE), 'utf8'));
    expect(raw).toEqual({ format: 'cairn-home', layout: 1, db: 'cairn.db', kdf: { alg: 'argon2id13', ops: 2, mem: 67108864, salt: SALT }, createdAt: '2026-11-01T10:00:00.000Z' });
    expect(statSync(join(dir, LAYOUT_FILE)).mode & 0o777).toBe(0o600);
    expect(readLayout(dir)).toEqual({ ok: true, value: valid() });
    writeLayout(dir, newLayout({ alg: 'keyfile' }));
    const again = readLayout(dir);
    expect(again.ok && again.value.kdf).toEqual({ alg: 'keyfile' });
  });

  it('says NOT_INITIALIZED when there is no cairn.json', () => {
    const r = readLayout(dir);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe('NOT_INITIALIZED');
    expect(!r.ok && r.message).toMatch(/not a Cairn home yet/);
  });

  it('refuses a foreign file, a newer layout and invalid fields with clear BAD_LAYOUT messages', () => {
    const bad = (v: unknown, message: RegExp) => {
      const r = parseLayout(typeof v === 'string' ? v : text(v));
      expect(r).toMatchObject({ ok: false, code: 'BAD_LAYOUT' });
      expect(!r.ok && r.message).toMatch(message);
    };
    bad('{not json', /not valid JSON/);
    bad({ name: 'some-npm-package', version: '1.0.0' }, /does not describe a Cairn home/);
    bad([1, 2], /does not describe a Cairn home/);
    bad({ ...valid(), layout: 2 }, /layout 2, newer than this Cairn supports \(1\); upgrade Cairn/);
    bad({ ...valid(), layout: 0 }, /no valid layout version/);
    bad({ ...valid(), db: '../elsewhere.db' }, /no valid database file/);
    bad({ ...valid(), db: '.hidden' }, /no valid database file/);
    bad({ ...valid(), kdf: { alg: 'scrypt' } }, /unknown or out-of-range key derivation/);
    bad({ ...valid(), kdf: { alg: 'argon2id13', ops: 2, mem: 1024 ** 4, salt: SALT } }, /out-of-range/);
    bad({ ...valid(), kdf: { alg: 'argon2id13', ops: 0, mem: 8192, salt: SALT } }, /out-of-range/);
    bad({ ...valid(), kdf: { alg: 'argon2id13', ops: 2, mem: 8192, salt: 'abcd' } }, /key derivation/);
    bad({ ...valid(), createdAt: 'yesterday' }, /createdAt/);
    writeFileSync(join(dir, LAYOUT_FILE), text({ ...valid(), layout: 9 }));
    const r = readLayout(dir);
    expect(!r.ok && r.message).toContain(join(dir, LAYOUT_FILE));
  });

  it('resolves the home dir: --home, then $CAIRN_HOME, then $XDG_DATA_HOME/cairn, then ~/.local/share/cairn', () => {
    const env = { CAIRN_HOME: '/srv/cairn', XDG_DATA_HOME: '/data' };
    expect(resolveHomeDir({ flag: '/flag/home', env, homedir: '/home/u' })).toBe('/flag/home');
    expect(resolveHomeDir({ flag: 'rel', env })).toBe(join(process.cwd(), 'rel'));
    expect(resolveHomeDir({ env, homedir: '/home/u' })).toBe('/srv/cairn');
    expect(resolveHomeDir({ env: { XDG_DATA_HOME: '/data' }, homedir: '/home/u' })).toBe('/data/cairn');
    expect(resolveHomeDir({ env: { XDG_DATA_HOME: 'relative' }, homedir: '/home/u' })).toBe('/home/u/.local/share/cairn');
    expect(resolveHomeDir({ env: {}, homedir: '/home/u' })).toBe('/home/u/.local/share/cairn');
  });
});
