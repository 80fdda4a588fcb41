// The sealed envelope: what a relay stores and forwards as a PUBLISH / UPDATE / DIRECT payload.
//
//   offset  size  field
//   0       1     version (1)
//   1       32    topic id
//   33      32    sender device Ed25519 public key
//   65      4     key epoch, u32 big-endian
//   69      24    XChaCha20-Poly1305 nonce (random)
//   93      n+16  ciphertext of the n plaintext bytes; associated data = bytes 0..92 (the header)
//   end-64  64    Ed25519 signature by the sender over "cairn/envelope/v1" ‖ header ‖ ciphertext
//
// Receivers check the signature before decrypting, so a forged envelope costs one verify and no key lookup.
import { bytesEqual, KEY_BYTES, SIGNATURE_BYTES, TOPIC_ID_BYTES } from '../ids.js';
import type { DeviceKey, TopicId } from '../ids.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';
import { randomBytes } from './sodium.js';
import type { Sodium } from './sodium.js';

export const ENVELOPE_VERSION = 1;
export const ENVELOPE_DOMAIN = 'cairn/envelope/v1';
export const ENVELOPE_NONCE_BYTES = 24;
const TAG_BYTES = 16;
const TOPIC_AT = 1;
const SENDER_AT = TOPIC_AT + TOPIC_ID_BYTES;
const EPOCH_AT = SENDER_AT + KEY_BYTES;
const NONCE_AT = EPOCH_AT + 4;
export const ENVELOPE_HEADER_BYTES = NONCE_AT + ENVELOPE_NONCE_BYTES;
/** Bytes an envelope adds to its plaintext: header, AEAD tag and signature (173). */
export const ENVELOPE_OVERHEAD = ENVELOPE_HEADER_BYTES + TAG_BYTES + SIGNATURE_BYTES;

const DOMAIN_BYTES = new TextEncoder().encode(ENVELOPE_DOMAIN);

export type SealInput = {
  topic: TopicId;
  /** Key epoch of the chat (or inbox) key used; receivers look the key up by it. */
  epoch: number;
  /** 32-byte XChaCha20-Poly1305 key for that epoch. */
  key: Uint8Array;
  senderKey: DeviceKey;
  /** The sender device's 64-byte Ed25519 secret key. */
  senderSecret: Uint8Array;
  plaintext: Uint8Array;
};

export type OpenOptions = {
  /** The topic the envelope arrived on: an envelope replayed onto another topic is rejected. */
  expectedTopic: TopicId;
  /** The sender the relay attested (UPDATE / DIRECT_IN); null when there is none (e.g. a local copy). */
  attestedSender: DeviceKey | null;
  /** The key of an epoch, or null when this device does not (yet) know it. */
  keyForEpoch: (epoch: number) => Uint8Array | null;
};

export type OpenedEnvelope = { plaintext: Uint8Array; sender: DeviceKey; epoch: number };

export type EnvelopeErrorCode = 'MALFORMED' | 'UNSUPPORTED_VERSION' | 'WRONG_TOPIC' | 'SENDER_MISMATCH' | 'BAD_SIGNATURE' | 'UNKNOWN_EPOCH' | 'DECRYPT_FAILED';

export function sealEnvelope(sodium: Sodium, input: SealInput): Uint8Array {
  const { topic, epoch, key, senderKey, senderSecret, plaintext } = input;
  if (topic.length !== TOPIC_ID_BYTES || senderKey.length !== KEY_BYTES || key.length !== 32) throw new TypeError('topic, sender key and key must be 32 bytes');
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) throw new TypeError(`epoch must be a u32, got ${epoch}`);
  // One buffer laid out as domain ‖ envelope, so the signed message needs no extra copy.
  const d = DOMAIN_BYTES.length;
  const ctLength = plaintext.length + TAG_BYTES;
  const buf = new Uint8Array(d + ENVELOPE_HEADER_BYTES + ctLength + SIGNATURE_BYTES);
  buf.set(DOMAIN_BYTES, 0);
  buf[d] = ENVELOPE_VERSION;
  buf.set(topic, d + TOPIC_AT);
  buf.set(senderKey, d + SENDER_AT);
  new DataView(buf.buffer, buf.byteOffset).setUint32(d + EPOCH_AT, epoch, false);
  const nonce = randomBytes(ENVELOPE_NONCE_BYTES);
  buf.set(nonce, d + NONCE_AT);
  const header = buf.subarray(d, d + ENVELOPE_HEADER_BYTES);
  buf.set(sodium.aeadEncrypt(plaintext, header, nonce, key), d + ENVELOPE_HEADER_BYTES);
  const signedEnd = d + ENVELOPE_HEADER_BYTES + ctLength;
  buf.set(sodium.sign(buf.subarray(0, signedEnd), senderSecret), signedEnd);
  return buf.slice(d);
}

/** What the sender's signature covers (domain ‖ header ‖ ciphertext), the signature and the claimed sender key,
 *  exactly as openEnvelope checks them (e.g. to verify ahead on another thread); null when too short. */
export function envelopeSignedParts(bytes: Uint8Array): { signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array } | null {
  if (bytes.length < ENVELOPE_OVERHEAD) return null;
  const signedEnd = bytes.length - SIGNATURE_BYTES;
  const message = new Uint8Array(DOMAIN_BYTES.length + signedEnd);
  message.set(DOMAIN_BYTES, 0);
  message.set(bytes.subarray(0, signedEnd), DOMAIN_BYTES.length);
  return { signature: bytes.subarray(signedEnd), message, publicKey: bytes.subarray(SENDER_AT, SENDER_AT + KEY_BYTES) };
}

export function openEnvelope(sodium: Sodium, bytes: Uint8Array, options: OpenOptions): Result<OpenedEnvelope, EnvelopeErrorCode> {
  if (bytes.length < ENVELOPE_OVERHEAD) return err('MALFORMED', `envelope of ${bytes.length} bytes is shorter than ${ENVELOPE_OVERHEAD}`);
  if (bytes[0] !== ENVELOPE_VERSION) return err('UNSUPPORTED_VERSION', `envelope version ${bytes[0]}`);
  const topic = bytes.subarray(TOPIC_AT, TOPIC_AT + TOPIC_ID_BYTES);
  if (!bytesEqual(topic, options.expectedTopic)) return err('WRONG_TOPIC', 'envelope names another topic');
  const sender = bytes.subarray(SENDER_AT, SENDER_AT + KEY_BYTES);
  if (options.attestedSender !== null && !bytesEqual(sender, options.attestedSender)) return err('SENDER_MISMATCH', 'envelope sender is not the attested sender');

  const signedEnd = bytes.length - SIGNATURE_BYTES;
  const parts = envelopeSignedParts(bytes)!;
  if (!sodium.verify(parts.signature, parts.message, sender)) return err('BAD_SIGNATURE', 'envelope signature does not verify');

  const epoch = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(EPOCH_AT, false);
  const key = options.keyForEpoch(epoch);
  if (key === null) return err('UNKNOWN_EPOCH', `no key for epoch ${epoch}`);
  const header = bytes.subarray(0, ENVELOPE_HEADER_BYTES);
  const nonce = bytes.subarray(NONCE_AT, ENVELOPE_HEADER_BYTES);
  const plaintext = sodium.aeadDecrypt(bytes.subarray(ENVELOPE_HEADER_BYTES, signedEnd), header, nonce, key);
  if (plaintext === null) return err('DECRYPT_FAILED', `envelope does not decrypt with the key of epoch ${epoch}`);
  return ok({ plaintext, sender: sender.slice() as DeviceKey, epoch });
}
