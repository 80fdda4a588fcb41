// Branded byte and id types, so a topic id can never be passed where a device key is expected.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** 32-byte Ed25519 public key of a device; the relay-attested sender of every update. */
export type DeviceKey = Brand<Uint8Array, 'DeviceKey'>;
/** 32-byte Ed25519 public key of a topic capability (derived from a chat key or inbox secret). */
export type CapabilityKey = Brand<Uint8Array, 'CapabilityKey'>;
/** 32 bytes: BLAKE2b-256 of the capability public key, so nobody can squat on a topic id. */
export type TopicId = Brand<Uint8Array, 'TopicId'>;
/** 32 bytes: BLAKE2b-256 of the account's first identity public key. */
export type AccountId = Brand<Uint8Array, 'AccountId'>;
/** 16 random bytes naming one relay store; clients keep cursors per (relay, store id). */
export type StoreId = Brand<Uint8Array, 'StoreId'>;
/** Relay-assigned sequence number within a topic; never reused. Starts at 1. */
export type Seq = Brand<number, 'Seq'>;

export const KEY_BYTES = 32;
export const TOPIC_ID_BYTES = 32;
export const ACCOUNT_ID_BYTES = 32;
export const STORE_ID_BYTES = 16;
export const SIGNATURE_BYTES = 64;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
}

export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
