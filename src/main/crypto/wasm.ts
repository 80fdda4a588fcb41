// Sodium over libsodium-wrappers (WebAssembly): works wherever the native addon does not load.
import sodium from 'libsodium-wrappers';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { argon2id } from './argon2id.js';

const ABYTES = 16;
const SEALBYTES = 48;

export async function loadWasmSodium(): Promise<Sodium> {
  await sodium.ready;
  const s = sodium;
  const hash = (message: Uint8Array, outLength: number, key?: Uint8Array): Uint8Array => s.crypto_generichash(outLength, message, key ?? null);
  return {
    name: 'wasm',
    signSeedKeypair(seed) {
      const kp = s.crypto_sign_seed_keypair(seed);
      return { publicKey: kp.publicKey, secretKey: kp.privateKey };
    },
    sign(message, secretKey) {
      return s.crypto_sign_detached(message, secretKey);
    },
    verify(signature, message, publicKey) {
      // libsodium-wrappers throws on wrong lengths; a malformed signature or key simply does not verify.
      if (signature.length !== 64 || publicKey.length !== 32) return false;
      return s.crypto_sign_verify_detached(signature, message, publicKey);
    },
    aeadEncrypt(plaintext, associatedData, nonce, key) {
      return s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData, null, nonce, key);
    },
    aeadDecrypt(ciphertext, associatedData, nonce, key) {
      if (ciphertext.length < ABYTES) return null;
      try {
        return s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, associatedData, nonce, key);
      } catch {
        return null; // the wrapper throws when the tag does not verify
      }
    },
    hash,
    boxSeedKeypair(seed) {
      const kp = s.crypto_box_seed_keypair(seed);
      return { publicKey: kp.publicKey, secretKey: kp.privateKey };
    },
    boxSeal(message, publicKey) {
      return s.crypto_box_seal(message, publicKey);
    },
    boxSealOpen(ciphertext, publicKey, secretKey) {
      if (ciphertext.length < SEALBYTES || publicKey.length !== 32 || secretKey.length !== 32) return null;
      try {
        return s.crypto_box_seal_open(ciphertext, publicKey, secretKey);
      } catch {
        return null;
      }
    },
    pwhash(outLength, password, salt, opsLimit, memLimit) {
      // The standard (non-sumo) libsodium-wrappers build has no crypto_pwhash: Argon2id in TypeScript over its BLAKE2b.
      return argon2id(hash, { outLength, password, salt, opsLimit, memLimit });
    },
  };
}
