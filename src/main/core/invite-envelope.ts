// What an invite looks like on a contact's inbox topic (an OpenPublish topic: anyone may publish there):
//
//   crypto_box_seal(inbox X25519 public key,
//     version u8 (1) | sender device Ed25519 key 32 | signature 64 | INVITE app message)
//   signature = Ed25519(sender device, "cairn/invite/v1" ‖ inbox topic id ‖ INVITE app message)
//
// Only the inbox owner's devices can open it. The signature binds the invite to the inbox it was sent to
// and to a device the receiver then finds in the inviter's signed device list (fromAccount in the payload).
import type { BoxKeyPair, Sodium } from '../../shared/crypto/sodium.js';
import { decodeInvitePayload, encodeInvitePayload } from '../../shared/docs/app-message.js';
import type { InvitePayload } from '../../shared/docs/app-message.js';
import type { DeviceKey, TopicId } from '../../shared/ids.js';
import { bytesEqual, KEY_BYTES, SIGNATURE_BYTES } from '../../shared/ids.js';
import { accountIdOf } from '../../shared/records.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

export const INVITE_DOMAIN = 'cairn/invite/v1';
export const INVITE_ENVELOPE_VERSION = 1;
const DOMAIN = new TextEncoder().encode(INVITE_DOMAIN);
const HEAD = 1 + KEY_BYTES + SIGNATURE_BYTES;

export type InviteEnvelopeError = 'UNREADABLE' | 'MALFORMED' | 'SENDER_MISMATCH' | 'BAD_SIGNATURE';
export type OpenedInvite = { payload: InvitePayload; device: DeviceKey };

function signedBytes(inboxTopic: Uint8Array, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(DOMAIN.length + inboxTopic.length + message.length);
  out.set(DOMAIN, 0);
  out.set(inboxTopic, DOMAIN.length);
  out.set(message, DOMAIN.length + inboxTopic.length);
  return out;
}

export function sealInvite(sodium: Sodium, input: { payload: InvitePayload; inboxTopic: TopicId; inboxKey: Uint8Array; device: { publicKey: DeviceKey; secretKey: Uint8Array } }): Uint8Array {
  const message = encodeInvitePayload(input.payload);
  const plain = new Uint8Array(HEAD + message.length);
  plain[0] = INVITE_ENVELOPE_VERSION;
  plain.set(input.device.publicKey, 1);
  plain.set(sodium.sign(signedBytes(input.inboxTopic, message), input.device.secretKey), 1 + KEY_BYTES);
  plain.set(message, HEAD);
  return sodium.boxSeal(plain, input.inboxKey);
}

/** Opens, checks the attested sender and the signature, decodes the payload and checks fromAccount against its key. */
export function openInvite(sodium: Sodium, bytes: Uint8Array, o: { inboxTopic: TopicId; box: BoxKeyPair; attestedSender: DeviceKey }): Result<OpenedInvite, InviteEnvelopeError> {
  const plain = sodium.boxSealOpen(bytes, o.box.publicKey, o.box.secretKey);
  if (plain === null) return err('UNREADABLE', 'the invite is not sealed to this inbox');
  if (plain.length <= HEAD || plain[0] !== INVITE_ENVELOPE_VERSION) return err('MALFORMED', 'unknown invite envelope');
  const device = plain.slice(1, 1 + KEY_BYTES) as DeviceKey;
  if (!bytesEqual(device, o.attestedSender)) return err('SENDER_MISMATCH', 'the invite names another device than the relay attested');
  const message = plain.subarray(HEAD);
  if (!sodium.verify(plain.subarray(1 + KEY_BYTES, HEAD), signedBytes(o.inboxTopic, message), device)) return err('BAD_SIGNATURE', 'the invite signature does not verify');
  const payload = decodeInvitePayload(message);
  if (!payload.ok) return err('MALFORMED', payload.message);
  if (!bytesEqual(accountIdOf(sodium, payload.value.fromAccountKey), payload.value.fromAccount)) return err('MALFORMED', 'fromAccount does not match the account key');
  return ok({ payload: payload.value, device });
}
