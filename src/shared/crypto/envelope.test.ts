import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeSodium } from '../../main/crypto/native.js';
import { loadWasmSodium } from '../../main/crypto/wasm.js';
import type { DeviceKey, TopicId } from '../ids.js';
import { ENVELOPE_HEADER_BYTES, ENVELOPE_OVERHEAD, openEnvelope, sealEnvelope } from './envelope.js';
import type { OpenOptions } from './envelope.js';
import type { Sodium } from './sodium.js';

const filled = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b);
function flip(bytes: Uint8Array, i: number): Uint8Array {
  const c = bytes.slice();
  c[i] = c[i]! ^ 0x40;
  return c;
}

describe.each(['native', 'wasm'] as const)('envelope (%s)', (backend) => {
  let s: Sodium;
  let senderKey: DeviceKey;
  let senderSecret: Uint8Array;
  let sealed: Uint8Array;
  let options: OpenOptions;
  const topic = filled(32, 1) as TopicId;
  const key = filled(32, 2);
  const plaintext = new TextEncoder().encode('sync step 2: the diff');

  beforeAll(async () => {
    s = backend === 'native' ? loadNativeSodium() : await loadWasmSodium();
    const kp = s.signSeedKeypair(filled(32, 3));
    senderKey = kp.publicKey as DeviceKey;
    senderSecret = kp.secretKey;
    sealed = sealEnvelope(s, { topic, epoch: 7, key, senderKey, senderSecret, plaintext });
    options = { expectedTopic: topic, attestedSender: senderKey, keyForEpoch: (e) => (e === 7 ? key : null) };
  });

  it('opens what it sealed, with the documented layout', () => {
    expect(sealed.length).toBe(plaintext.length + ENVELOPE_OVERHEAD);
    expect(ENVELOPE_OVERHEAD).toBe(173);
    expect(sealed[0]).toBe(1);
    expect(sealed.subarray(1, 33)).toEqual(topic);
    expect(sealed.subarray(33, 65)).toEqual(senderKey);
    expect([...sealed.subarray(65, 69)]).toEqual([0, 0, 0, 7]);
    expect(openEnvelope(s, sealed, options)).toEqual({ ok: true, value: { plaintext, sender: senderKey, epoch: 7 } });
    expect(openEnvelope(s, sealed, { ...options, attestedSender: null }).ok).toBe(true);
  });

  it('uses a fresh nonce each time and seals empty plaintexts', () => {
    const again = sealEnvelope(s, { topic, epoch: 7, key, senderKey, senderSecret, plaintext });
    expect(again.subarray(69, ENVELOPE_HEADER_BYTES)).not.toEqual(sealed.subarray(69, ENVELOPE_HEADER_BYTES));
    const empty = sealEnvelope(s, { topic, epoch: 0xffffffff, key, senderKey, senderSecret, plaintext: new Uint8Array(0) });
    expect(openEnvelope(s, empty, { ...options, keyForEpoch: () => key })).toEqual({ ok: true, value: { plaintext: new Uint8Array(0), sender: senderKey, epoch: 0xffffffff } });
  });

  it('rejects a tampered version, topic or sender with their own codes', () => {
    expect(openEnvelope(s, flip(sealed, 0), options)).toMatchObject({ ok: false, code: 'UNSUPPORTED_VERSION' });
    const otherTopic = flip(sealed, 5);
    expect(openEnvelope(s, otherTopic, options)).toMatchObject({ ok: false, code: 'WRONG_TOPIC' });
    // Re-addressed to the topic it now names, the signature no longer holds.
    expect(openEnvelope(s, otherTopic, { ...options, expectedTopic: otherTopic.slice(1, 33) as TopicId })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    const otherSender = flip(sealed, 40);
    expect(openEnvelope(s, otherSender, options)).toMatchObject({ ok: false, code: 'SENDER_MISMATCH' });
    expect(openEnvelope(s, otherSender, { ...options, attestedSender: null })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('rejects a tampered epoch, nonce, ciphertext or signature before decrypting', () => {
    const lookups: number[] = [];
    const watching: OpenOptions = { ...options, keyForEpoch: (e) => (lookups.push(e), key) };
    for (const [name, index] of [
      ['epoch', 68],
      ['nonce', 70],
      ['ciphertext first byte', ENVELOPE_HEADER_BYTES],
      ['tag', sealed.length - 65],
      ['signature', sealed.length - 1],
      ['signature first byte', sealed.length - 64],
    ] as const) {
      expect(openEnvelope(s, flip(sealed, index), watching), name).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    }
    expect(lookups).toEqual([]);
  });

  it('rejects every truncation and an appended byte', () => {
    for (let len = 0; len < sealed.length; len++) {
      const r = openEnvelope(s, sealed.subarray(0, len), options);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.code).toBe(len < ENVELOPE_OVERHEAD ? 'MALFORMED' : 'BAD_SIGNATURE');
    }
    expect(openEnvelope(s, new Uint8Array([...sealed, 0]), options)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('reports an unknown epoch and a key that does not decrypt', () => {
    expect(openEnvelope(s, sealed, { ...options, keyForEpoch: () => null })).toMatchObject({ ok: false, code: 'UNKNOWN_EPOCH' });
    expect(openEnvelope(s, sealed, { ...options, keyForEpoch: () => filled(32, 9) })).toMatchObject({ ok: false, code: 'DECRYPT_FAILED' });
  });

  it('rejects an envelope signed by another device that claims this sender', () => {
    const mallory = s.signSeedKeypair(filled(32, 4));
    const forged = sealEnvelope(s, { topic, epoch: 7, key, senderKey, senderSecret: mallory.secretKey, plaintext });
    expect(openEnvelope(s, forged, options)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    const honest = sealEnvelope(s, { topic, epoch: 7, key, senderKey: mallory.publicKey as DeviceKey, senderSecret: mallory.secretKey, plaintext });
    expect(openEnvelope(s, honest, options)).toMatchObject({ ok: false, code: 'SENDER_MISMATCH' });
  });

  it('opens envelopes within a larger buffer (views with an offset)', () => {
    const big = new Uint8Array(sealed.length + 10);
    big.set(sealed, 5);
    expect(openEnvelope(s, big.subarray(5, 5 + sealed.length), options).ok).toBe(true);
  });

  it('throws on programmer errors when sealing', () => {
    expect(() => sealEnvelope(s, { topic, epoch: -1, key, senderKey, senderSecret, plaintext })).toThrow(TypeError);
    expect(() => sealEnvelope(s, { topic, epoch: 2 ** 32, key, senderKey, senderSecret, plaintext })).toThrow(TypeError);
    expect(() => sealEnvelope(s, { topic, epoch: 1, key: filled(16, 0), senderKey, senderSecret, plaintext })).toThrow(TypeError);
  });
});
