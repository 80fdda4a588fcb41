// Topic capabilities and the relay's two proofs (docs/PROTOCOL.md, "Topics and capabilities").
//
// A topic capability is an Ed25519 key pair derived from a secret only its holders know (a chat key, an
// inbox secret). Its public key is registered with the relay when the topic is created; the topic id is
// BLAKE2b-256 of that public key, so nobody can claim a topic id without the matching capability.
// Holding the capability secret key is what lets a device open, subscribe to and publish on a topic.
import { AUTH_DOMAIN, TOPIC_PROOF_DOMAIN } from '../frames.js';
import { KEY_BYTES, SIGNATURE_BYTES, TOPIC_ID_BYTES } from '../ids.js';
import type { CapabilityKey, DeviceKey, TopicId } from '../ids.js';
import type { Sodium } from './sodium.js';

/** Domain of the capability seed derived from a chat key (BLAKE2b keyed by the chat key). */
export const TOPIC_CAPABILITY_DOMAIN = 'cairn/topic-cap/v1';
/** Domain of the capability seed derived from an inbox secret. */
export const INBOX_CAPABILITY_DOMAIN = 'cairn/inbox-cap/v1';
/** Length of the CHALLENGE nonce both proofs sign. */
export const PROOF_NONCE_BYTES = 32;

export type TopicCapability = {
  /** Ed25519 public key: sent in OPEN_TOPIC, stored by the relay. */
  capability: CapabilityKey;
  /** Ed25519 secret key (64 bytes): signs topic proofs; never leaves the holder's devices. */
  secretKey: Uint8Array;
  topic: TopicId;
};

const utf8 = new TextEncoder();
const AUTH_DOMAIN_BYTES = utf8.encode(AUTH_DOMAIN);
const TOPIC_PROOF_DOMAIN_BYTES = utf8.encode(TOPIC_PROOF_DOMAIN);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function requireLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new TypeError(`${what} must be ${length} bytes, got ${bytes.length}`);
}

function capabilityFromSeed(sodium: Sodium, seed: Uint8Array): TopicCapability {
  const kp = sodium.signSeedKeypair(seed);
  const capability = kp.publicKey as CapabilityKey;
  return { capability, secretKey: kp.secretKey, topic: topicIdOf(sodium, capability) };
}

/** topic id = BLAKE2b-256(capability public key). */
export function topicIdOf(sodium: Sodium, capability: CapabilityKey): TopicId {
  requireLength(capability, KEY_BYTES, 'capability');
  return sodium.hash(capability, TOPIC_ID_BYTES) as TopicId;
}

/**
 * The capability of a chat topic. seed = BLAKE2b-256(key = chatKey, "cairn/topic-cap/v1" ‖ 0x00 ‖ label),
 * so one chat key can name several topics (label "" for the chat's main topic).
 */
export function deriveCapability(sodium: Sodium, chatKey: Uint8Array, label = ''): TopicCapability {
  requireLength(chatKey, KEY_BYTES, 'chat key');
  const message = concat([utf8.encode(TOPIC_CAPABILITY_DOMAIN), new Uint8Array([0]), utf8.encode(label)]);
  return capabilityFromSeed(sodium, sodium.hash(message, 32, chatKey));
}

/** The capability of an account's inbox topic: seed = BLAKE2b-256(key = inboxSecret, "cairn/inbox-cap/v1"). */
export function deriveInboxCapability(sodium: Sodium, inboxSecret: Uint8Array): TopicCapability {
  requireLength(inboxSecret, KEY_BYTES, 'inbox secret');
  return capabilityFromSeed(sodium, sodium.hash(utf8.encode(INBOX_CAPABILITY_DOMAIN), 32, inboxSecret));
}

function topicProofMessage(nonce: Uint8Array, deviceKey: DeviceKey, capability: CapabilityKey): Uint8Array {
  return concat([TOPIC_PROOF_DOMAIN_BYTES, nonce, deviceKey, capability]);
}

/** OPEN_TOPIC signature: capability key over TOPIC_PROOF_DOMAIN ‖ nonce ‖ device key ‖ capability key. */
export function signTopicProof(sodium: Sodium, secretKey: Uint8Array, nonce: Uint8Array, deviceKey: DeviceKey, capability: CapabilityKey): Uint8Array {
  requireLength(nonce, PROOF_NONCE_BYTES, 'nonce');
  requireLength(deviceKey, KEY_BYTES, 'device key');
  requireLength(capability, KEY_BYTES, 'capability');
  return sodium.sign(topicProofMessage(nonce, deviceKey, capability), secretKey);
}

/** Relay side: false for any wrong length or a signature that does not verify. */
export function verifyTopicProof(sodium: Sodium, signature: Uint8Array, nonce: Uint8Array, deviceKey: DeviceKey, capability: CapabilityKey): boolean {
  if (signature.length !== SIGNATURE_BYTES || nonce.length !== PROOF_NONCE_BYTES || deviceKey.length !== KEY_BYTES || capability.length !== KEY_BYTES) return false;
  return sodium.verify(signature, topicProofMessage(nonce, deviceKey, capability), capability);
}

/** AUTH signature: device key over AUTH_DOMAIN ‖ challenge nonce. */
export function signAuth(sodium: Sodium, deviceSecret: Uint8Array, nonce: Uint8Array): Uint8Array {
  requireLength(nonce, PROOF_NONCE_BYTES, 'nonce');
  return sodium.sign(concat([AUTH_DOMAIN_BYTES, nonce]), deviceSecret);
}

/** Relay side: false for any wrong length or a signature that does not verify. */
export function verifyAuth(sodium: Sodium, deviceKey: DeviceKey, nonce: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || nonce.length !== PROOF_NONCE_BYTES || deviceKey.length !== KEY_BYTES) return false;
  return sodium.verify(signature, concat([AUTH_DOMAIN_BYTES, nonce]), deviceKey);
}
