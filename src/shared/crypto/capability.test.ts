import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeSodium } from '../../main/crypto/native.js';
import { loadWasmSodium } from '../../main/crypto/wasm.js';
import { AUTH_DOMAIN, TOPIC_PROOF_DOMAIN } from '../frames.js';
import type { CapabilityKey, DeviceKey } from '../ids.js';
import { bytesEqual } from '../ids.js';
import {
  deriveCapability,
  deriveInboxCapability,
  signAuth,
  signTopicProof,
  topicIdOf,
  TOPIC_CAPABILITY_DOMAIN,
  verifyAuth,
  verifyTopicProof,
} from './capability.js';
import type { Sodium } from './sodium.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const filled = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b);
function flip(bytes: Uint8Array, i = 0): Uint8Array {
  const c = bytes.slice();
  c[i] = c[i]! ^ 1;
  return c;
}

describe.each(['native', 'wasm'] as const)('capability (%s)', (backend) => {
  let s: Sodium;
  beforeAll(async () => {
    s = backend === 'native' ? loadNativeSodium() : await loadWasmSodium();
  });

  it('derives a deterministic capability whose topic id is the hash of its public key', () => {
    const chatKey = filled(32, 1);
    const a = deriveCapability(s, chatKey);
    const b = deriveCapability(s, chatKey.slice());
    expect(a).toEqual(b);
    expect(a.capability.length).toBe(32);
    expect(a.secretKey.length).toBe(64);
    expect(a.topic).toEqual(s.hash(a.capability, 32));
    expect(topicIdOf(s, a.capability)).toEqual(a.topic);
  });

  it('follows the documented derivation: seed = BLAKE2b-256(key = chat key, domain ‖ 0 ‖ label)', () => {
    const chatKey = filled(32, 2);
    const seed = s.hash(new Uint8Array([...text(TOPIC_CAPABILITY_DOMAIN), 0, ...text('segment-1')]), 32, chatKey);
    expect(deriveCapability(s, chatKey, 'segment-1').capability).toEqual(s.signSeedKeypair(seed).publicKey);
  });

  it('separates chat keys, labels and the inbox domain', () => {
    const key = filled(32, 3);
    const topics = [deriveCapability(s, key), deriveCapability(s, key, 'x'), deriveCapability(s, filled(32, 4)), deriveInboxCapability(s, key)].map((c) => c.topic);
    for (let i = 0; i < topics.length; i++) for (let j = i + 1; j < topics.length; j++) expect(bytesEqual(topics[i]!, topics[j]!)).toBe(false);
    expect(deriveInboxCapability(s, key)).toEqual(deriveInboxCapability(s, key.slice()));
  });

  it('rejects keys of the wrong length as programmer errors', () => {
    expect(() => deriveCapability(s, filled(31, 0))).toThrow(TypeError);
    expect(() => deriveInboxCapability(s, filled(33, 0))).toThrow(TypeError);
  });

  it('signs and verifies topic proofs bound to nonce, device and capability', () => {
    const cap = deriveCapability(s, filled(32, 5));
    const nonce = filled(32, 6);
    const device = s.signSeedKeypair(filled(32, 7)).publicKey as DeviceKey;
    const sig = signTopicProof(s, cap.secretKey, nonce, device, cap.capability);
    expect(verifyTopicProof(s, sig, nonce, device, cap.capability)).toBe(true);
    expect(verifyTopicProof(s, flip(sig), nonce, device, cap.capability)).toBe(false);
    expect(verifyTopicProof(s, sig, flip(nonce), device, cap.capability)).toBe(false);
    expect(verifyTopicProof(s, sig, nonce, flip(device) as DeviceKey, cap.capability)).toBe(false);
    const other = deriveCapability(s, filled(32, 8));
    expect(verifyTopicProof(s, sig, nonce, device, other.capability)).toBe(false);
    // A proof signed with another capability's key for this capability does not verify.
    expect(verifyTopicProof(s, signTopicProof(s, other.secretKey, nonce, device, cap.capability), nonce, device, cap.capability)).toBe(false);
    expect(verifyTopicProof(s, sig.subarray(0, 63), nonce, device, cap.capability)).toBe(false);
    expect(verifyTopicProof(s, sig, nonce.subarray(0, 31), device, cap.capability)).toBe(false);
    expect(verifyTopicProof(s, sig, nonce, device, filled(31, 0) as CapabilityKey)).toBe(false);
    // The signed message is exactly TOPIC_PROOF_DOMAIN ‖ nonce ‖ device ‖ capability.
    expect(s.verify(sig, new Uint8Array([...text(TOPIC_PROOF_DOMAIN), ...nonce, ...device, ...cap.capability]), cap.capability)).toBe(true);
  });

  it('signs and verifies AUTH, domain-separated from topic proofs', () => {
    const kp = s.signSeedKeypair(filled(32, 9));
    const device = kp.publicKey as DeviceKey;
    const nonce = filled(32, 10);
    const sig = signAuth(s, kp.secretKey, nonce);
    expect(verifyAuth(s, device, nonce, sig)).toBe(true);
    expect(s.verify(sig, new Uint8Array([...text(AUTH_DOMAIN), ...nonce]), device)).toBe(true);
    expect(verifyAuth(s, device, flip(nonce), sig)).toBe(false);
    expect(verifyAuth(s, device, nonce, flip(sig, 63))).toBe(false);
    expect(verifyAuth(s, s.signSeedKeypair(filled(32, 11)).publicKey as DeviceKey, nonce, sig)).toBe(false);
    expect(verifyAuth(s, device, nonce, sig.subarray(1))).toBe(false);
    expect(() => signAuth(s, kp.secretKey, filled(16, 0))).toThrow(TypeError);
    // A raw signature over the nonce alone is not an AUTH signature.
    expect(verifyAuth(s, device, nonce, s.sign(nonce, kp.secretKey))).toBe(false);
  });
});
