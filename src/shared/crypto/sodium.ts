// The one crypto boundary. Shared code takes a Sodium; adapters (libsodium-wrappers wasm, sodium-native)
// live with their runtime in src/main/crypto/. Every operation here is synchronous and allocation-explicit.

export type SignKeyPair = { publicKey: Uint8Array; secretKey: Uint8Array };
export type BoxKeyPair = { publicKey: Uint8Array; secretKey: Uint8Array };

export interface Sodium {
  readonly name: 'wasm' | 'native';
  /** Ed25519 key pair from a 32-byte seed. */
  signSeedKeypair(seed: Uint8Array): SignKeyPair;
  /** Detached Ed25519 signature (64 bytes). */
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** XChaCha20-Poly1305-IETF: ciphertext includes the 16-byte tag. */
  aeadEncrypt(plaintext: Uint8Array, associatedData: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** null when the tag does not verify. */
  aeadDecrypt(ciphertext: Uint8Array, associatedData: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null;
  /** BLAKE2b (crypto_generichash), optionally keyed; outLength 16..64. */
  hash(message: Uint8Array, outLength: number, key?: Uint8Array): Uint8Array;
  /** X25519 key pair from a 32-byte seed. */
  boxSeedKeypair(seed: Uint8Array): BoxKeyPair;
  /** crypto_box_seal: anonymous sender, recipient X25519 public key. */
  boxSeal(message: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** null when it does not open. */
  boxSealOpen(ciphertext: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array | null;
  /** Argon2id (crypto_pwhash, ALG_ARGON2ID13) → key of outLength bytes; salt is 16 bytes. */
  pwhash(outLength: number, password: Uint8Array, salt: Uint8Array, opsLimit: number, memLimit: number): Uint8Array;
}

/** Nonces and seeds come from crypto.getRandomValues: ~2 µs versus ~54 µs for the wasm randombytes. */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  // getRandomValues accepts at most 65536 bytes per call.
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}
