import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import type { AccountId } from './ids.js';
import { base32Decode, base32Encode, crc32, decodeInvite, encodeInvite, INVITE_PREFIX, isRelayUrl } from './invite.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const account = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff) as AccountId;
const relays = ['wss://relay.example.org', 'ws://127.0.0.1:8787/cairn'];
const code = encodeInvite({ account, relays });
const utf8 = new TextEncoder();

/** Builds a code from raw body bytes with a correct checksum, to reach the checks behind the CRC. */
function codeFromBody(body: Uint8Array): string {
  const bytes = new Uint8Array(body.length + 4);
  bytes.set(body);
  new DataView(bytes.buffer).setUint32(body.length, crc32(body), false);
  return INVITE_PREFIX + base32Encode(bytes);
}

function body(format: number, relayList: string[], accountBytes: Uint8Array = account): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeUint8(e, format);
  encoding.writeUint8Array(e, accountBytes);
  encoding.writeUint8(e, relayList.length);
  for (const r of relayList) encoding.writeVarString(e, r);
  return encoding.toUint8Array(e);
}

describe('base32 and crc32', () => {
  it('matches the RFC 4648 test vectors (lowercase, unpadded)', () => {
    const vectors: [string, string][] = [['', ''], ['f', 'my'], ['fo', 'mzxq'], ['foo', 'mzxw6'], ['foob', 'mzxw6yq'], ['fooba', 'mzxw6ytb'], ['foobar', 'mzxw6ytboi']];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(utf8.encode(plain))).toBe(encoded);
      expect(base32Decode(encoded)).toEqual(utf8.encode(plain));
    }
  });
  it('round-trips every length and refuses impossible lengths and non-zero trailing bits', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n) & 0xff);
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
    expect(base32Decode('a')).toBeNull();
    expect(base32Decode('aaa')).toBeNull();
    expect(base32Decode('aaaaaa')).toBeNull();
    expect(base32Decode('mz')).toBeNull(); // 'my' is canonical for "f"; 'mz' sets a trailing bit
    expect(base32Decode('MY')).toBeNull();
  });
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(utf8.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('invite codes', () => {
  it('is one line that round-trips, with surrounding whitespace trimmed', () => {
    expect(code).toMatch(/^cairn:[a-z2-7]+$/);
    const decoded = decodeInvite(`  \n${code}\t \n`);
    expect(decoded).toEqual({ ok: true, value: { account, relays } });
  });

  it('rejects every single-character substitution, exhaustively', () => {
    const payloadStart = INVITE_PREFIX.length;
    let tried = 0;
    for (let i = payloadStart; i < code.length; i++) {
      const replacements = [...ALPHABET, code[i]!.toUpperCase(), '0', '1', '8', '9', '=', '-', ' ', 'é'];
      for (const c of replacements) {
        if (c === code[i]) continue;
        const changed = code.slice(0, i) + c + code.slice(i + 1);
        const r = decodeInvite(changed);
        if (r.ok) throw new Error(`substitution at ${i} by ${c} was accepted`);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan((code.length - payloadStart) * 31);
  });

  it('rejects every single-character deletion and insertion', () => {
    for (let i = 0; i < code.length; i++) expect(decodeInvite(code.slice(0, i) + code.slice(i + 1)).ok, `deletion at ${i}`).toBe(false);
    for (let i = 0; i <= code.length; i++) {
      for (const c of ALPHABET) {
        const r = decodeInvite(code.slice(0, i) + c + code.slice(i));
        if (r.ok) throw new Error(`insertion of ${c} at ${i} was accepted`);
      }
    }
  });

  it('rejects a wrong or missing prefix and inner whitespace', () => {
    const payload = code.slice(INVITE_PREFIX.length);
    for (const bad of [payload, `CAIRN:${payload}`, `cairn ${payload}`, `cairn:/${payload}`, `kairn:${payload}`, `cairn:${payload.slice(0, 10)} ${payload.slice(10)}`, '', 'cairn:']) {
      const r = decodeInvite(bad);
      expect(r.ok, bad).toBe(false);
    }
    expect(decodeInvite(payload)).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('names the error: checksum, unsupported format, malformed structure', () => {
    const i = code.length - 20;
    const flipped = code.slice(0, i) + (code[i] === 'a' ? 'b' : 'a') + code.slice(i + 1);
    expect(decodeInvite(flipped)).toMatchObject({ ok: false, code: 'CHECKSUM' });
    expect(decodeInvite(codeFromBody(body(2, relays)))).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
    expect(decodeInvite(codeFromBody(body(1, relays)))).toEqual({ ok: true, value: { account, relays } });
    expect(decodeInvite(codeFromBody(body(1, [])))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeInvite(codeFromBody(body(1, ['https://relay.example.org'])))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeInvite(codeFromBody(body(1, ['wss://a.example', 'wss://a.example'])))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeInvite(codeFromBody(body(1, Array.from({ length: 9 }, (_, n) => `wss://r${n}.example`))))).toMatchObject({ ok: false, code: 'MALFORMED' });
    const withTrailing = new Uint8Array([...body(1, relays), 0]);
    expect(decodeInvite(codeFromBody(withTrailing))).toMatchObject({ ok: false, code: 'MALFORMED' });
    const truncated = body(1, relays).subarray(0, 40);
    expect(decodeInvite(codeFromBody(truncated))).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('encodes one to eight relays and throws on programmer errors', () => {
    const eight = Array.from({ length: 8 }, (_, n) => `wss://relay-${n}.example.net:443/path`);
    expect(decodeInvite(encodeInvite({ account, relays: eight }))).toEqual({ ok: true, value: { account, relays: eight } });
    expect(() => encodeInvite({ account, relays: [] })).toThrow(TypeError);
    expect(() => encodeInvite({ account, relays: [...eight, 'wss://ninth.example'] })).toThrow(TypeError);
    expect(() => encodeInvite({ account, relays: ['http://relay.example'] })).toThrow(TypeError);
    expect(() => encodeInvite({ account: new Uint8Array(31) as AccountId, relays })).toThrow(TypeError);
  });

  it('accepts only ws:// and wss:// relay URLs with a host', () => {
    for (const good of ['ws://localhost:1234', 'wss://relay.example.org/', 'ws://[::1]:9000/x', 'wss://relay.example.org/a?b=c']) expect(isRelayUrl(good), good).toBe(true);
    for (const bad of ['', 'relay.example.org', 'http://relay.example.org', 'wss://', 'wss://user:pw@relay.example', 'wss://relay.example/#x', ' wss://relay.example', 'wss://relay .example', 'wss://relay.example/\u0001', `wss://${'a'.repeat(600)}.example`]) {
      expect(isRelayUrl(bad), bad).toBe(false);
    }
  });
});
