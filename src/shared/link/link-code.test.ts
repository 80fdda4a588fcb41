import { describe, expect, it } from 'vitest';
import { base32Encode, crc32 } from '../invite.js';
import { decodeLinkCode, encodeLinkCode, LINK_PREFIX, LINK_SECRET_BYTES } from './link-code.js';

const secret = Uint8Array.from({ length: LINK_SECRET_BYTES }, (_, i) => (i * 29 + 3) & 0xff);
const link = { secret, relay: 'ws://127.0.0.1:8787', expiresAt: 1_900_000_000_000 };

describe('link codes', () => {
  it('round-trip the secret, relay and expiry in one line', () => {
    const code = encodeLinkCode(link);
    expect(code.startsWith(LINK_PREFIX)).toBe(true);
    expect(code).not.toMatch(/\s/);
    expect(decodeLinkCode(code)).toEqual({ ok: true, value: link });
    expect(decodeLinkCode(`  ${code.toUpperCase()}\n`)).toEqual({ ok: true, value: link });
  });

  it('keeps whole seconds of the expiry', () => {
    const r = decodeLinkCode(encodeLinkCode({ ...link, expiresAt: 1_900_000_000_999 }));
    expect(r.ok && r.value.expiresAt).toBe(1_900_000_000_000);
  });

  it('refuses every single-character change (checksum) and other texts', () => {
    const code = encodeLinkCode(link);
    const body = code.slice(LINK_PREFIX.length);
    for (let i = 0; i < body.length; i++) {
      const c = body[i] === 'a' ? 'b' : 'a';
      const r = decodeLinkCode(LINK_PREFIX + body.slice(0, i) + c + body.slice(i + 1));
      expect(r.ok).toBe(false);
    }
    expect(decodeLinkCode('cairn:abc').ok).toBe(false);
    expect(decodeLinkCode(`${LINK_PREFIX}0`).ok).toBe(false);
    expect(decodeLinkCode(code.slice(0, -4)).ok).toBe(false);
  });

  it('refuses an unknown format with a checksum that matches', () => {
    const bytes = new Uint8Array([2, ...secret, 1, 0]);
    const full = new Uint8Array(bytes.length + 4);
    full.set(bytes);
    new DataView(full.buffer).setUint32(bytes.length, crc32(bytes), false);
    const r = decodeLinkCode(LINK_PREFIX + base32Encode(full));
    expect(r.ok ? 'ok' : r.code).toBe('UNSUPPORTED');
  });

  it('throws on programmer errors', () => {
    expect(() => encodeLinkCode({ ...link, secret: new Uint8Array(8) })).toThrow(TypeError);
    expect(() => encodeLinkCode({ ...link, relay: 'http://x' })).toThrow(TypeError);
  });
});
