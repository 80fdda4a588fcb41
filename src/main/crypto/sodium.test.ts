// One acceptance suite for both Sodium backends, plus cross-compatibility between them.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../../shared/crypto/sodium.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { toHex } from '../../shared/ids.js';
import { loadSodium } from './index.js';
import { loadNativeSodium } from './native.js';
import { loadWasmSodium } from './wasm.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

const backends: Record<'native' | 'wasm', () => Promise<Sodium>> = {
  native: () => Promise.resolve(loadNativeSodium()),
  wasm: loadWasmSodium,
};

describe.each(['native', 'wasm'] as const)('Sodium %s', (name) => {
  let s: Sodium;
  beforeAll(async () => {
    s = await backends[name]();
  });

  it('names itself', () => {
    expect(s.name).toBe(name);
  });

  it('signs and verifies; tampering and wrong keys are rejected', () => {
    const kp = s.signSeedKeypair(new Uint8Array(32).fill(1));
    expect(kp.publicKey.length).toBe(32);
    expect(kp.secretKey.length).toBe(64);
    const msg = text('hello relay');
    const sig = s.sign(msg, kp.secretKey);
    expect(sig.length).toBe(64);
    expect(s.verify(sig, msg, kp.publicKey)).toBe(true);
    expect(s.verify(flip(sig, 10), msg, kp.publicKey)).toBe(false);
    expect(s.verify(sig, flip(msg, 0), kp.publicKey)).toBe(false);
    expect(s.verify(sig, msg, s.signSeedKeypair(new Uint8Array(32).fill(2)).publicKey)).toBe(false);
    // Malformed lengths do not verify (and do not throw).
    expect(s.verify(sig.subarray(0, 63), msg, kp.publicKey)).toBe(false);
    expect(s.verify(sig, msg, kp.publicKey.subarray(0, 31))).toBe(false);
  });

  it('derives the same Ed25519 key pair from the same seed (RFC 8032 test 1)', () => {
    const seed = Uint8Array.from(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'));
    const kp = s.signSeedKeypair(seed);
    expect(toHex(kp.publicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(toHex(s.sign(new Uint8Array(0), kp.secretKey))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
  });

  it('AEAD round-trips and rejects tampered ciphertext, AD, nonce or key', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(24);
    const ad = text('header');
    const pt = text('a secret message');
    const ct = s.aeadEncrypt(pt, ad, nonce, key);
    expect(ct.length).toBe(pt.length + 16);
    expect(s.aeadDecrypt(ct, ad, nonce, key)).toEqual(pt);
    expect(s.aeadDecrypt(flip(ct, 0), ad, nonce, key)).toBeNull();
    expect(s.aeadDecrypt(flip(ct, ct.length - 1), ad, nonce, key)).toBeNull();
    expect(s.aeadDecrypt(ct, flip(ad, 0), nonce, key)).toBeNull();
    expect(s.aeadDecrypt(ct, ad, flip(nonce, 0), key)).toBeNull();
    expect(s.aeadDecrypt(ct, ad, nonce, flip(key, 0))).toBeNull();
    expect(s.aeadDecrypt(ct.subarray(0, 10), ad, nonce, key)).toBeNull();
    expect(s.aeadDecrypt(s.aeadEncrypt(new Uint8Array(0), ad, nonce, key), ad, nonce, key)).toEqual(new Uint8Array(0));
  });

  it('hashes with BLAKE2b, keyed and unkeyed', () => {
    // BLAKE2b-512 of "abc" (RFC 7693 appendix A).
    expect(toHex(s.hash(text('abc'), 64))).toBe(
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    );
    const h = s.hash(text('abc'), 32);
    expect(h.length).toBe(32);
    const keyed = s.hash(text('abc'), 32, new Uint8Array(32).fill(7));
    expect(keyed).not.toEqual(h);
    expect(s.hash(text('abc'), 32, new Uint8Array(32).fill(7))).toEqual(keyed);
  });

  it('seals to an X25519 key and rejects tampering and the wrong key', () => {
    const kp = s.boxSeedKeypair(new Uint8Array(32).fill(9));
    const other = s.boxSeedKeypair(new Uint8Array(32).fill(10));
    const sealed = s.boxSeal(text('for your eyes'), kp.publicKey);
    expect(sealed.length).toBe(13 + 48);
    expect(s.boxSealOpen(sealed, kp.publicKey, kp.secretKey)).toEqual(text('for your eyes'));
    expect(s.boxSealOpen(flip(sealed, 50), kp.publicKey, kp.secretKey)).toBeNull();
    expect(s.boxSealOpen(sealed, other.publicKey, other.secretKey)).toBeNull();
    expect(s.boxSealOpen(sealed.subarray(0, 47), kp.publicKey, kp.secretKey)).toBeNull();
  });

  it('derives keys with Argon2id deterministically', () => {
    const salt = new Uint8Array(16).fill(5);
    const a = s.pwhash(32, text('correct horse'), salt, 2, 64 * 1024);
    expect(a.length).toBe(32);
    expect(s.pwhash(32, text('correct horse'), salt, 2, 64 * 1024)).toEqual(a);
    expect(s.pwhash(32, text('correct horsf'), salt, 2, 64 * 1024)).not.toEqual(a);
    expect(s.pwhash(32, text('correct horse'), flip(salt, 0), 2, 64 * 1024)).not.toEqual(a);
  });
});

describe('Sodium native × wasm', () => {
  let native: Sodium;
  let wasm: Sodium;
  beforeAll(async () => {
    native = loadNativeSodium();
    wasm = await loadWasmSodium();
  });

  it('verifies signatures across backends', () => {
    const seed = randomBytes(32);
    const a = native.signSeedKeypair(seed);
    const b = wasm.signSeedKeypair(seed);
    expect(a).toEqual(b);
    const msg = randomBytes(1000);
    expect(wasm.verify(native.sign(msg, a.secretKey), msg, a.publicKey)).toBe(true);
    expect(native.verify(wasm.sign(msg, b.secretKey), msg, b.publicKey)).toBe(true);
  });

  it('opens AEAD ciphertexts and sealed boxes across backends', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(24);
    const ad = randomBytes(40);
    const pt = randomBytes(2000);
    const ct = native.aeadEncrypt(pt, ad, nonce, key);
    expect(wasm.aeadEncrypt(pt, ad, nonce, key)).toEqual(ct);
    expect(wasm.aeadDecrypt(ct, ad, nonce, key)).toEqual(pt);
    expect(native.aeadDecrypt(wasm.aeadEncrypt(pt, ad, nonce, key), ad, nonce, key)).toEqual(pt);

    const seed = randomBytes(32);
    const kp = native.boxSeedKeypair(seed);
    expect(wasm.boxSeedKeypair(seed)).toEqual(kp);
    expect(wasm.boxSealOpen(native.boxSeal(pt, kp.publicKey), kp.publicKey, kp.secretKey)).toEqual(pt);
    expect(native.boxSealOpen(wasm.boxSeal(pt, kp.publicKey), kp.publicKey, kp.secretKey)).toEqual(pt);
  });

  it('hashes identically', () => {
    const msg = randomBytes(500);
    const key = randomBytes(32);
    for (const len of [16, 32, 64]) {
      expect(wasm.hash(msg, len)).toEqual(native.hash(msg, len));
      expect(wasm.hash(msg, len, key)).toEqual(native.hash(msg, len, key));
    }
  });

  it('derives the same Argon2id key (the wasm backend implements Argon2id over BLAKE2b)', () => {
    const pw = text('a long passphrase with ünïcode');
    const salt = randomBytes(16);
    const cases: [number, number, number][] = [
      [16, 1, 8 * 1024],
      [32, 2, 64 * 1024],
      [32, 3, 9 * 1024],
      [64, 1, 1024 * 1024],
      [100, 2, 100 * 1024],
    ];
    for (const [out, ops, mem] of cases) expect(toHex(wasm.pwhash(out, pw, salt, ops, mem))).toBe(toHex(native.pwhash(out, pw, salt, ops, mem)));
  });

  it('loadSodium prefers native and honours a wasm preference', async () => {
    expect((await loadSodium()).name).toBe('native');
    expect((await loadSodium('wasm')).name).toBe('wasm');
  });
});
