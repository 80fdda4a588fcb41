// Ephemeral X25519 for the link exchange, through node:crypto (the Sodium interface has no scalar
// multiplication): raw 32-byte keys in and out, wrapped in the fixed DER prefixes of RFC 8410.
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';

const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

export type EphemeralKey = { publicKey: Uint8Array; secretKey: Uint8Array };

export function generateEphemeral(): EphemeralKey {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' });
  const sec = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { publicKey: new Uint8Array(pub.subarray(SPKI_PREFIX.length)), secretKey: new Uint8Array(sec.subarray(PKCS8_PREFIX.length)) };
}

/** The shared secret, or null for a public key that is not a usable X25519 point (e.g. of low order). */
export function sharedSecret(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array | null {
  if (secretKey.length !== 32 || peerPublicKey.length !== 32) return null;
  try {
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, peerPublicKey]), format: 'der', type: 'spki' });
    const out = new Uint8Array(diffieHellman({ privateKey, publicKey }));
    return out.every((b) => b === 0) ? null : out;
  } catch {
    return null;
  }
}
