import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode } from './base64.js';
import { decodeJson, encodeJson } from './json-bytes.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('base64', () => {
  it('matches the RFC 4648 test vectors', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of vectors) {
      expect(base64Encode(utf8(plain))).toBe(encoded);
      expect(base64Decode(encoded)).toEqual(utf8(plain));
    }
  });

  it('round-trips every byte value and lengths across the chunk boundary', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64Decode(base64Encode(all))).toEqual(all);
    for (const n of [1, 2, 3, 6143, 6144, 6145, 20_000]) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = base64Encode(bytes);
      expect(text.length).toBe(Math.ceil(n / 3) * 4);
      expect(base64Decode(text)).toEqual(bytes);
    }
  });

  it('refuses text that is not canonical padded base64', () => {
    for (const bad of ['Zg', 'Zg=', 'Zh==', 'Zm9=', 'Zm9v!A==', 'Z===', '=Zg=', 'Zg==Zg==', 'Zm9v\n', 'é===']) expect(base64Decode(bad), bad).toBeNull();
  });
});

describe('JSON with bytes', () => {
  it('carries byte arrays anywhere in a value as {"$bytes": base64}', () => {
    const value = { avatar: { mime: 'image/png', bytes: new Uint8Array([1, 2, 255]) }, list: [new Uint8Array(0)] };
    const text = encodeJson(value);
    expect(text).toBe('{"avatar":{"mime":"image/png","bytes":{"$bytes":"AQL/"}},"list":[{"$bytes":""}]}');
    expect(decodeJson(text)?.value).toEqual(value);
  });

  it('encodes a view on a larger buffer as its own bytes only', () => {
    const view = new Uint8Array([9, 1, 2, 9]).subarray(1, 3);
    expect(encodeJson(view)).toBe('{"$bytes":"AQI="}');
  });

  it('leaves objects that only look like bytes alone', () => {
    expect(decodeJson('{"$bytes":"AQI=","x":1}')?.value).toEqual({ $bytes: 'AQI=', x: 1 });
    expect(decodeJson('{"$bytes":"not base64"}')?.value).toEqual({ $bytes: 'not base64' });
    expect(decodeJson('{"$bytes":5}')?.value).toEqual({ $bytes: 5 });
  });

  it('answers null for text that is not JSON', () => {
    expect(decodeJson('{')).toBeNull();
    expect(decodeJson('')).toBeNull();
  });
});
