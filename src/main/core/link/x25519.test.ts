import { describe, expect, it } from 'vitest';
import { generateEphemeral, sharedSecret } from './x25519.js';

describe('x25519', () => {
  it('agrees on one secret from both sides, and a fresh key gives another', () => {
    const a = generateEphemeral();
    const b = generateEphemeral();
    const s = sharedSecret(a.secretKey, b.publicKey);
    expect(s).not.toBeNull();
    expect(s).toEqual(sharedSecret(b.secretKey, a.publicKey));
    expect(sharedSecret(generateEphemeral().secretKey, b.publicKey)).not.toEqual(s);
  });
  it('refuses low-order points and wrong sizes', () => {
    const a = generateEphemeral();
    expect(sharedSecret(a.secretKey, new Uint8Array(32))).toBeNull();
    expect(sharedSecret(a.secretKey, new Uint8Array(31))).toBeNull();
  });
});
