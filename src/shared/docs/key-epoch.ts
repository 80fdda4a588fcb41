// App message kind 4 KEY_EPOCH (docs/MULTIDEVICE.md, "Revoke"): published on a doc's old topic when a device
// revocation moves the doc to a new key and topic. The new key travels only inside per-device sealed boxes, so
// a device that is not listed (the revoked one) learns nothing from it.
//   varUint 4 | u8 format 1 | u8 scope (0 chat, 1 account) | varUint epoch
//   | varUint8Array the sender account's signed device list record (the one without the revoked device)
//   | varUint n | n × (device Ed25519 key 32 | varUint8Array crypto_box_seal(secret, that device's X25519 key))
// secret = u8 format 1 | u8 scope | old topic id 32 | varUint epoch | new key 32 | (account scope) new inbox secret 32
// The old topic and epoch inside the box bind it to where it was sent: a member cannot replay another chat's box.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Sodium } from '../crypto/sodium.js';
import { bytesEqual, KEY_BYTES, TOPIC_ID_BYTES } from '../ids.js';
import type { DeviceKey, TopicId } from '../ids.js';
import { MAX_DEVICES_PER_LIST } from '../limits.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';

export const KEY_EPOCH_KIND = 4;
const FORMAT = 1;

export type KeyEpochScope = 'chat' | 'account';
const SCOPES: readonly KeyEpochScope[] = ['chat', 'account'];

export type KeyEpochSecret = { scope: KeyEpochScope; oldTopic: TopicId; epoch: number; key: Uint8Array; /** Account scope only. */ inboxSecret: Uint8Array | null };
export type KeyEpochRecipient = { signKey: DeviceKey; boxKey: Uint8Array };
export type KeyEpochInput = KeyEpochSecret & { deviceList: Uint8Array; recipients: readonly KeyEpochRecipient[] };
/** A decoded KEY_EPOCH body: the public part and the boxes, still sealed. */
export type KeyEpochMessage = { scope: KeyEpochScope; epoch: number; deviceList: Uint8Array; boxes: { device: DeviceKey; sealed: Uint8Array }[] };
export type KeyEpochErrorCode = 'MALFORMED' | 'UNSUPPORTED' | 'NOT_FOR_ME' | 'DECRYPT_FAILED' | 'MISMATCH';

function encodeSecret(s: KeyEpochSecret): Uint8Array {
  if (s.key.length !== KEY_BYTES || s.oldTopic.length !== TOPIC_ID_BYTES) throw new TypeError('a key epoch needs a 32-byte key and topic id');
  if ((s.scope === 'account') !== (s.inboxSecret !== null)) throw new TypeError('an inbox secret goes with the account scope only');
  const e = encoding.createEncoder();
  encoding.writeUint8(e, FORMAT);
  encoding.writeUint8(e, SCOPES.indexOf(s.scope));
  encoding.writeUint8Array(e, s.oldTopic);
  encoding.writeVarUint(e, s.epoch);
  encoding.writeUint8Array(e, s.key);
  if (s.inboxSecret !== null) encoding.writeUint8Array(e, s.inboxSecret);
  return encoding.toUint8Array(e);
}

function decodeSecret(bytes: Uint8Array): KeyEpochSecret | null {
  const d = decoding.createDecoder(bytes);
  try {
    if (decoding.readUint8(d) !== FORMAT) return null;
    const scope = SCOPES[decoding.readUint8(d)];
    if (scope === undefined) return null;
    const oldTopic = decoding.readUint8Array(d, TOPIC_ID_BYTES).slice() as TopicId;
    const epoch = decoding.readVarUint(d);
    const key = decoding.readUint8Array(d, KEY_BYTES).slice();
    const inboxSecret = scope === 'account' ? decoding.readUint8Array(d, KEY_BYTES).slice() : null;
    return d.pos === bytes.length ? { scope, oldTopic, epoch, key, inboxSecret } : null;
  } catch {
    return null;
  }
}

/** The whole KEY_EPOCH app message, one sealed box per recipient; the caller seals it into an envelope. */
export function encodeKeyEpoch(sodium: Sodium, input: KeyEpochInput): Uint8Array {
  if (input.recipients.length > MAX_DEVICES_PER_LIST * 16) throw new RangeError('too many key epoch recipients');
  const secret = encodeSecret(input);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, KEY_EPOCH_KIND);
  encoding.writeUint8(e, FORMAT);
  encoding.writeUint8(e, SCOPES.indexOf(input.scope));
  encoding.writeVarUint(e, input.epoch);
  encoding.writeVarUint8Array(e, input.deviceList);
  encoding.writeVarUint(e, input.recipients.length);
  for (const r of input.recipients) {
    encoding.writeUint8Array(e, r.signKey);
    encoding.writeVarUint8Array(e, sodium.boxSeal(secret, r.boxKey));
  }
  return encoding.toUint8Array(e);
}

/** Decodes a KEY_EPOCH body (the app message after its kind). */
export function decodeKeyEpoch(body: Uint8Array): Result<KeyEpochMessage, 'MALFORMED' | 'UNSUPPORTED'> {
  const d = decoding.createDecoder(body);
  try {
    const format = decoding.readUint8(d);
    if (format !== FORMAT) return err('UNSUPPORTED', `key epoch format ${format}`);
    const scope = SCOPES[decoding.readUint8(d)];
    if (scope === undefined) return err('MALFORMED', 'unknown key epoch scope');
    const epoch = decoding.readVarUint(d);
    const deviceList = decoding.readVarUint8Array(d);
    const n = decoding.readVarUint(d);
    if (n > MAX_DEVICES_PER_LIST * 16) return err('MALFORMED', 'too many key epoch boxes');
    const boxes: KeyEpochMessage['boxes'] = [];
    for (let i = 0; i < n; i++) boxes.push({ device: decoding.readUint8Array(d, KEY_BYTES) as DeviceKey, sealed: decoding.readVarUint8Array(d) });
    if (d.pos !== body.length) return err('MALFORMED', 'trailing bytes after the key epoch');
    if (!Number.isSafeInteger(epoch)) return err('MALFORMED', 'key epoch out of range');
    return ok({ scope, epoch, deviceList, boxes });
  } catch {
    return err('MALFORMED', 'truncated key epoch');
  }
}

/** Opens this device's box; NOT_FOR_ME when the message has none for it (a revoked device), MISMATCH when the
 *  box names another topic, scope or epoch than the message it came in. */
export function openKeyEpoch(sodium: Sodium, m: KeyEpochMessage, me: { signKey: Uint8Array; box: { publicKey: Uint8Array; secretKey: Uint8Array } }, topic: TopicId): Result<KeyEpochSecret, KeyEpochErrorCode> {
  const mine = m.boxes.find((b) => bytesEqual(b.device, me.signKey));
  if (mine === undefined) return err('NOT_FOR_ME', 'the key epoch has no key for this device');
  const opened = sodium.boxSealOpen(mine.sealed, me.box.publicKey, me.box.secretKey);
  if (opened === null) return err('DECRYPT_FAILED', 'the key epoch box does not open with this device key');
  const secret = decodeSecret(opened);
  if (secret === null) return err('MALFORMED', 'malformed key epoch secret');
  if (secret.scope !== m.scope || secret.epoch !== m.epoch || !bytesEqual(secret.oldTopic, topic)) return err('MISMATCH', 'the key epoch box was made for another topic or epoch');
  return ok(secret);
}
