// Sodium over sodium-native (N-API addon, prebuilt): the fast path for the Node core and the relay.
import { createRequire } from 'node:module';
import type { Sodium } from '../../shared/crypto/sodium.js';

// sodium-native ships no types: these are the few functions used, each writing into caller-allocated buffers.
type NativeBinding = {
  crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(sig: Uint8Array, m: Uint8Array, sk: Uint8Array): void;
  crypto_sign_verify_detached(sig: Uint8Array, m: Uint8Array, pk: Uint8Array): boolean;
  crypto_aead_xchacha20poly1305_ietf_encrypt(c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_xchacha20poly1305_ietf_decrypt(m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): number;
  crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
  crypto_box_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  crypto_box_seal(c: Uint8Array, m: Uint8Array, pk: Uint8Array): void;
  crypto_box_seal_open(m: Uint8Array, c: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean;
  crypto_pwhash(out: Uint8Array, passwd: Uint8Array, salt: Uint8Array, opslimit: number, memlimit: number, alg: number): void;
  crypto_pwhash_ALG_ARGON2ID13: number;
};

const ABYTES = 16;
const SEALBYTES = 48;

/** Loads the addon synchronously; throws when no prebuild fits this platform (callers fall back to wasm). */
export function loadNativeSodium(): Sodium {
  const s = createRequire(import.meta.url)('sodium-native') as NativeBinding;
  return {
    name: 'native',
    signSeedKeypair(seed) {
      const publicKey = new Uint8Array(32);
      const secretKey = new Uint8Array(64);
      s.crypto_sign_seed_keypair(publicKey, secretKey, seed);
      return { publicKey, secretKey };
    },
    sign(message, secretKey) {
      const sig = new Uint8Array(64);
      s.crypto_sign_detached(sig, message, secretKey);
      return sig;
    },
    verify(signature, message, publicKey) {
      // The addon asserts on lengths; a malformed signature or key simply does not verify.
      if (signature.length !== 64 || publicKey.length !== 32) return false;
      return s.crypto_sign_verify_detached(signature, message, publicKey);
    },
    aeadEncrypt(plaintext, associatedData, nonce, key) {
      const c = new Uint8Array(plaintext.length + ABYTES);
      s.crypto_aead_xchacha20poly1305_ietf_encrypt(c, plaintext, associatedData, null, nonce, key);
      return c;
    },
    aeadDecrypt(ciphertext, associatedData, nonce, key) {
      if (ciphertext.length < ABYTES) return null;
      const m = new Uint8Array(ciphertext.length - ABYTES);
      try {
        s.crypto_aead_xchacha20poly1305_ietf_decrypt(m, null, ciphertext, associatedData, nonce, key);
      } catch {
        return null; // the addon throws when the tag does not verify
      }
      return m;
    },
    hash(message, outLength, key) {
      const out = new Uint8Array(outLength);
      if (key) s.crypto_generichash(out, message, key);
      else s.crypto_generichash(out, message);
      return out;
    },
    boxSeedKeypair(seed) {
      const publicKey = new Uint8Array(32);
      const secretKey = new Uint8Array(32);
      s.crypto_box_seed_keypair(publicKey, secretKey, seed);
      return { publicKey, secretKey };
    },
    boxSeal(message, publicKey) {
      const c = new Uint8Array(message.length + SEALBYTES);
      s.crypto_box_seal(c, message, publicKey);
      return c;
    },
    boxSealOpen(ciphertext, publicKey, secretKey) {
      if (ciphertext.length < SEALBYTES || publicKey.length !== 32 || secretKey.length !== 32) return null;
      const m = new Uint8Array(ciphertext.length - SEALBYTES);
      return s.crypto_box_seal_open(m, ciphertext, publicKey, secretKey) ? m : null;
    },
    pwhash(outLength, password, salt, opsLimit, memLimit) {
      const out = new Uint8Array(outLength);
      s.crypto_pwhash(out, password, salt, opsLimit, memLimit, s.crypto_pwhash_ALG_ARGON2ID13);
      return out;
    },
  };
}
