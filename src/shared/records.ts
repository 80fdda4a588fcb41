// Signed, versioned account records (PUT_RECORD / RECORD): a profile and a device list per account.
//
//   format u8 (1) | kind u8 (RecordKind) | account Ed25519 public key 32 | version varUint | payload varUint8Array
//   | signature 64 by the account key over "cairn/record/v1" ‖ every byte before the signature
//
// Profile payload:     name varString | status varString | avatarMime varString | avatar varUint8Array
// DeviceList payload:  inbox topic id 32 | inbox X25519 public key 32 | count varUint | count × (signKey 32 | boxKey 32)
// The relay keeps, per (kind, account), the record with the highest version; accountId = BLAKE2b-256(account key).
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { Sodium } from './crypto/sodium.js';
import { RecordKind } from './frames.js';
import { ACCOUNT_ID_BYTES, bytesEqual, KEY_BYTES, SIGNATURE_BYTES, TOPIC_ID_BYTES, toHex } from './ids.js';
import type { AccountId, DeviceKey, TopicId } from './ids.js';
import { MAX_AVATAR_BYTES, MAX_AVATAR_MIME_CHARS, MAX_DEVICES_PER_LIST, MAX_PROFILE_NAME_CHARS, MAX_PROFILE_STATUS_CHARS, MAX_RECORD_BYTES } from './limits.js';
import { err, ok } from './result.js';
import type { Result } from './result.js';

export const RECORD_FORMAT = 1;
export const RECORD_DOMAIN = 'cairn/record/v1';
/** Avatar types a client may render; anything else (notably SVG, which can carry script) is refused. */
export const AVATAR_MIME_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

const DOMAIN_BYTES = new TextEncoder().encode(RECORD_DOMAIN);

export type ParsedRecord = {
  kind: RecordKind;
  /** The account's Ed25519 public key. */
  accountKey: Uint8Array;
  version: number;
  payload: Uint8Array;
  signature: Uint8Array;
};
export type VerifiedRecord = ParsedRecord & { account: AccountId };

export type Profile = { name: string; status: string; avatarMime: string; avatar: Uint8Array };
export type ListedDevice = { signKey: DeviceKey; boxKey: Uint8Array };
export type DeviceList = { inboxTopic: TopicId; inboxKey: Uint8Array; devices: ListedDevice[] };

export type RecordErrorCode = 'MALFORMED' | 'UNSUPPORTED_VERSION' | 'TOO_LARGE' | 'BAD_SIGNATURE';
export type PayloadErrorCode = 'MALFORMED' | 'TOO_LARGE';

/** The account id named by an account public key: BLAKE2b-256 of it. */
export function accountIdOf(sodium: Sodium, accountKey: Uint8Array): AccountId {
  if (accountKey.length !== KEY_BYTES) throw new TypeError('account key must be 32 bytes');
  return sodium.hash(accountKey, ACCOUNT_ID_BYTES) as AccountId;
}

export type SignRecordInput = { kind: RecordKind; accountKey: Uint8Array; accountSecret: Uint8Array; version: number; payload: Uint8Array };

/** Builds and signs a record. Throws on programmer errors, including a record over MAX_RECORD_BYTES. */
export function signRecord(sodium: Sodium, input: SignRecordInput): Uint8Array {
  const { kind, accountKey, accountSecret, version, payload } = input;
  if (accountKey.length !== KEY_BYTES) throw new TypeError('account key must be 32 bytes');
  if (!Number.isSafeInteger(version) || version < 0) throw new TypeError(`version must be a non-negative safe integer, got ${version}`);
  const e = encoding.createEncoder();
  encoding.writeUint8Array(e, DOMAIN_BYTES);
  encoding.writeUint8(e, RECORD_FORMAT);
  encoding.writeUint8(e, kind);
  encoding.writeUint8Array(e, accountKey);
  encoding.writeVarUint(e, version);
  encoding.writeVarUint8Array(e, payload);
  const signed = encoding.toUint8Array(e);
  const size = signed.length - DOMAIN_BYTES.length + SIGNATURE_BYTES;
  if (size > MAX_RECORD_BYTES) throw new RangeError(`record of ${size} bytes exceeds ${MAX_RECORD_BYTES}`);
  const out = new Uint8Array(size);
  out.set(signed.subarray(DOMAIN_BYTES.length), 0);
  out.set(sodium.sign(signed, accountSecret), size - SIGNATURE_BYTES);
  return out;
}

/** Parses the record structure without checking the signature (views into bytes, no copy). */
export function parseRecord(bytes: Uint8Array): Result<ParsedRecord, Exclude<RecordErrorCode, 'BAD_SIGNATURE'>> {
  if (bytes.length > MAX_RECORD_BYTES) return err('TOO_LARGE', `record of ${bytes.length} bytes exceeds ${MAX_RECORD_BYTES}`);
  if (bytes.length < 2 + KEY_BYTES + 2 + SIGNATURE_BYTES) return err('MALFORMED', 'record too short');
  if (bytes[0] !== RECORD_FORMAT) return err('UNSUPPORTED_VERSION', `record format ${bytes[0]}`);
  const kind = bytes[1];
  if (kind !== RecordKind.Profile && kind !== RecordKind.DeviceList) return err('MALFORMED', `unknown record kind ${kind}`);
  const d = decoding.createDecoder(bytes.subarray(0, bytes.length - SIGNATURE_BYTES));
  d.pos = 2;
  try {
    const accountKey = decoding.readUint8Array(d, KEY_BYTES);
    const version = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (!Number.isSafeInteger(version)) return err('MALFORMED', 'record version out of range');
    if (d.pos !== d.arr.length) return err('MALFORMED', 'trailing bytes before the signature');
    return ok({ kind, accountKey, version, payload, signature: bytes.subarray(bytes.length - SIGNATURE_BYTES) });
  } catch {
    return err('MALFORMED', 'truncated record');
  }
}

/** Parses, checks the account signature and that the payload is valid for its kind. */
export function verifyRecord(sodium: Sodium, bytes: Uint8Array): Result<VerifiedRecord, RecordErrorCode> {
  const parsed = parseRecord(bytes);
  if (!parsed.ok) return parsed;
  const r = parsed.value;
  const signed = new Uint8Array(DOMAIN_BYTES.length + bytes.length - SIGNATURE_BYTES);
  signed.set(DOMAIN_BYTES, 0);
  signed.set(bytes.subarray(0, bytes.length - SIGNATURE_BYTES), DOMAIN_BYTES.length);
  if (!sodium.verify(r.signature, signed, r.accountKey)) return err('BAD_SIGNATURE', 'record signature does not verify');
  const payload = r.kind === RecordKind.Profile ? decodeProfile(r.payload) : decodeDeviceList(r.payload);
  if (!payload.ok) return payload;
  return ok({ ...r, account: accountIdOf(sodium, r.accountKey) });
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function checkProfile(p: Profile): Result<Profile, PayloadErrorCode> {
  if (codePoints(p.name) > MAX_PROFILE_NAME_CHARS) return err('TOO_LARGE', `name longer than ${MAX_PROFILE_NAME_CHARS} characters`);
  if (codePoints(p.status) > MAX_PROFILE_STATUS_CHARS) return err('TOO_LARGE', `status longer than ${MAX_PROFILE_STATUS_CHARS} characters`);
  if (p.avatar.length > MAX_AVATAR_BYTES) return err('TOO_LARGE', `avatar larger than ${MAX_AVATAR_BYTES} bytes`);
  if (p.avatarMime.length > MAX_AVATAR_MIME_CHARS) return err('TOO_LARGE', 'avatar type too long');
  if (p.avatar.length === 0 ? p.avatarMime !== '' : !AVATAR_MIME_TYPES.includes(p.avatarMime)) return err('MALFORMED', `avatar type "${p.avatarMime}" not allowed`);
  return ok(p);
}

/** Validates the limits (limits.ts) and encodes a profile payload. */
export function encodeProfile(profile: Profile): Result<Uint8Array, PayloadErrorCode> {
  const checked = checkProfile(profile);
  if (!checked.ok) return checked;
  const e = encoding.createEncoder();
  encoding.writeVarString(e, profile.name);
  encoding.writeVarString(e, profile.status);
  encoding.writeVarString(e, profile.avatarMime);
  encoding.writeVarUint8Array(e, profile.avatar);
  return ok(encoding.toUint8Array(e));
}

export function decodeProfile(payload: Uint8Array): Result<Profile, PayloadErrorCode> {
  const d = decoding.createDecoder(payload);
  let profile: Profile;
  try {
    profile = { name: decoding.readVarString(d), status: decoding.readVarString(d), avatarMime: decoding.readVarString(d), avatar: decoding.readVarUint8Array(d) };
  } catch {
    return err('MALFORMED', 'truncated or invalid profile');
  }
  if (d.pos !== payload.length) return err('MALFORMED', 'trailing bytes after profile');
  return checkProfile(profile);
}

function checkDeviceList(list: DeviceList): Result<DeviceList, PayloadErrorCode> {
  if (list.devices.length > MAX_DEVICES_PER_LIST) return err('TOO_LARGE', `more than ${MAX_DEVICES_PER_LIST} devices`);
  if (list.inboxTopic.length !== TOPIC_ID_BYTES || list.inboxKey.length !== KEY_BYTES) return err('MALFORMED', 'inbox topic and key must be 32 bytes');
  const seen = new Set<string>();
  for (const d of list.devices) {
    if (d.signKey.length !== KEY_BYTES || d.boxKey.length !== KEY_BYTES) return err('MALFORMED', 'device keys must be 32 bytes');
    const hex = toHex(d.signKey);
    if (seen.has(hex)) return err('MALFORMED', 'device listed twice');
    seen.add(hex);
  }
  return ok(list);
}

export function encodeDeviceList(list: DeviceList): Result<Uint8Array, PayloadErrorCode> {
  const checked = checkDeviceList(list);
  if (!checked.ok) return checked;
  const e = encoding.createEncoder();
  encoding.writeUint8Array(e, list.inboxTopic);
  encoding.writeUint8Array(e, list.inboxKey);
  encoding.writeVarUint(e, list.devices.length);
  for (const d of list.devices) {
    encoding.writeUint8Array(e, d.signKey);
    encoding.writeUint8Array(e, d.boxKey);
  }
  return ok(encoding.toUint8Array(e));
}

export function decodeDeviceList(payload: Uint8Array): Result<DeviceList, PayloadErrorCode> {
  const d = decoding.createDecoder(payload);
  let list: DeviceList;
  try {
    const inboxTopic = decoding.readUint8Array(d, TOPIC_ID_BYTES) as TopicId;
    const inboxKey = decoding.readUint8Array(d, KEY_BYTES);
    const count = decoding.readVarUint(d);
    if (count > MAX_DEVICES_PER_LIST) return err('TOO_LARGE', `more than ${MAX_DEVICES_PER_LIST} devices`);
    const devices: ListedDevice[] = [];
    for (let i = 0; i < count; i++) devices.push({ signKey: decoding.readUint8Array(d, KEY_BYTES) as DeviceKey, boxKey: decoding.readUint8Array(d, KEY_BYTES) });
    list = { inboxTopic, inboxKey, devices };
  } catch {
    return err('MALFORMED', 'truncated device list');
  }
  if (d.pos !== payload.length) return err('MALFORMED', 'trailing bytes after device list');
  return checkDeviceList(list);
}

/** True when the list names this device (its Ed25519 key). */
export function listsDevice(list: DeviceList, device: DeviceKey): boolean {
  return list.devices.some((d) => bytesEqual(d.signKey, device));
}
