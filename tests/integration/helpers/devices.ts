// Test identities: device keys, topic capabilities from random chat keys, inbox capabilities, and the
// raw AUTH / OPEN_TOPIC frames a hand-driven socket needs.
import { deriveCapability, deriveInboxCapability, signAuth, signTopicProof } from '../../../src/shared/crypto/capability.js';
import type { TopicCapability } from '../../../src/shared/crypto/capability.js';
import { randomBytes } from '../../../src/shared/crypto/sodium.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { FrameType } from '../../../src/shared/frames.js';
import type { AuthFrame, OpenTopicFrame } from '../../../src/shared/frames.js';
import type { DeviceKey } from '../../../src/shared/ids.js';
import type { DeviceIdentity } from '../../../src/main/relay-client/index.js';

export function makeDevice(sodium: Sodium): DeviceIdentity {
  const kp = sodium.signSeedKeypair(randomBytes(32));
  return { publicKey: kp.publicKey as DeviceKey, secretKey: kp.secretKey };
}

/** A chat topic's capability, derived from a fresh random chat key. */
export function makeTopic(sodium: Sodium): TopicCapability {
  return deriveCapability(sodium, randomBytes(32));
}

/** An account inbox's read capability, from a fresh random inbox secret. */
export function makeInbox(sodium: Sodium): TopicCapability {
  return deriveInboxCapability(sodium, randomBytes(32));
}

export function authFrame(sodium: Sodium, device: DeviceIdentity, nonce: Uint8Array): AuthFrame {
  return { type: FrameType.Auth, deviceKey: device.publicKey, signature: signAuth(sodium, device.secretKey, nonce) };
}

export function openTopicFrame(sodium: Sodium, device: DeviceIdentity, nonce: Uint8Array, cap: TopicCapability, reqId: number, flags = 0): OpenTopicFrame {
  const signature = signTopicProof(sodium, cap.secretKey, nonce, device.publicKey, cap.capability);
  return { type: FrameType.OpenTopic, reqId, capability: cap.capability, flags, signature };
}

/** Payload bytes that say which message they are, so order and identity can be checked. */
export function payloadOf(label: string, size = 0): Uint8Array {
  const text = new TextEncoder().encode(label);
  const out = new Uint8Array(Math.max(size, text.length));
  out.set(text);
  return out;
}

export function labelOf(payload: Uint8Array): string {
  const end = payload.indexOf(0);
  return new TextDecoder().decode(end < 0 ? payload : payload.subarray(0, end));
}
