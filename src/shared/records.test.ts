import { beforeAll, describe, expect, it } from 'vitest';
import { loadNativeSodium } from '../main/crypto/native.js';
import type { Sodium } from './crypto/sodium.js';
import { RecordKind } from './frames.js';
import type { DeviceKey, TopicId } from './ids.js';
import { MAX_AVATAR_BYTES, MAX_DEVICES_PER_LIST, MAX_PROFILE_NAME_CHARS, MAX_PROFILE_STATUS_CHARS, MAX_RECORD_BYTES } from './limits.js';
import {
  accountIdOf,
  decodeDeviceList,
  decodeProfile,
  encodeDeviceList,
  encodeProfile,
  listsDevice,
  parseRecord,
  RECORD_DOMAIN,
  signRecord,
  verifyRecord,
} from './records.js';
import type { DeviceList, Profile } from './records.js';

const filled = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b);
function flip(bytes: Uint8Array, i: number): Uint8Array {
  const c = bytes.slice();
  c[i] = c[i]! ^ 1;
  return c;
}
function unwrap<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}`);
  return r.value;
}

const profile: Profile = { name: 'Ada 🧮', status: 'computing', avatarMime: 'image/png', avatar: filled(1000, 0x89) };
const deviceList: DeviceList = {
  inboxTopic: filled(32, 1) as TopicId,
  inboxKey: filled(32, 2),
  devices: [
    { signKey: filled(32, 3) as DeviceKey, boxKey: filled(32, 4) },
    { signKey: filled(32, 5) as DeviceKey, boxKey: filled(32, 6) },
  ],
};

describe('records', () => {
  let s: Sodium;
  let account: { publicKey: Uint8Array; secretKey: Uint8Array };
  beforeAll(() => {
    s = loadNativeSodium();
    account = s.signSeedKeypair(filled(32, 42));
  });
  const sign = (kind: RecordKind, version: number, payload: Uint8Array): Uint8Array =>
    signRecord(s, { kind, accountKey: account.publicKey, accountSecret: account.secretKey, version, payload });

  it('signs and verifies a profile record', () => {
    const bytes = sign(RecordKind.Profile, 3, unwrap(encodeProfile(profile)));
    const r = unwrap(verifyRecord(s, bytes));
    expect(r.kind).toBe(RecordKind.Profile);
    expect(r.version).toBe(3);
    expect(r.accountKey).toEqual(account.publicKey);
    expect(r.account).toEqual(s.hash(account.publicKey, 32));
    expect(r.account).toEqual(accountIdOf(s, account.publicKey));
    expect(unwrap(decodeProfile(r.payload))).toEqual(profile);
    // The signature covers RECORD_DOMAIN ‖ every byte before it.
    const body = bytes.subarray(0, bytes.length - 64);
    expect(s.verify(bytes.subarray(bytes.length - 64), new Uint8Array([...new TextEncoder().encode(RECORD_DOMAIN), ...body]), account.publicKey)).toBe(true);
    expect([bytes[0], bytes[1]]).toEqual([1, RecordKind.Profile]);
  });

  it('signs and verifies a device list record', () => {
    const bytes = sign(RecordKind.DeviceList, 2 ** 40, unwrap(encodeDeviceList(deviceList)));
    const r = unwrap(verifyRecord(s, bytes));
    expect(r.version).toBe(2 ** 40);
    const list = unwrap(decodeDeviceList(r.payload));
    expect(list).toEqual(deviceList);
    expect(listsDevice(list, filled(32, 5) as DeviceKey)).toBe(true);
    expect(listsDevice(list, filled(32, 4) as DeviceKey)).toBe(false);
  });

  it('parses without a signature check, and verify rejects a tampered byte anywhere', () => {
    const bytes = sign(RecordKind.DeviceList, 9, unwrap(encodeDeviceList(deviceList)));
    for (let i = 0; i < bytes.length; i++) {
      const r = verifyRecord(s, flip(bytes, i));
      expect(r.ok, `byte ${i}`).toBe(false);
    }
    // Tampering the version or payload parses fine but fails the signature.
    expect(unwrap(parseRecord(flip(bytes, 34))).version).toBe(8);
    expect(verifyRecord(s, flip(bytes, 34))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verifyRecord(s, flip(bytes, bytes.length - 1))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(verifyRecord(s, flip(bytes, 0))).toMatchObject({ ok: false, code: 'UNSUPPORTED_VERSION' });
    const wrongKind = bytes.slice();
    wrongKind[1] = 9;
    expect(verifyRecord(s, wrongKind)).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('rejects a record re-signed by another account key under this account key', () => {
    const mallory = s.signSeedKeypair(filled(32, 7));
    const forged = signRecord(s, { kind: RecordKind.Profile, accountKey: account.publicKey, accountSecret: mallory.secretKey, version: 1, payload: unwrap(encodeProfile(profile)) });
    expect(verifyRecord(s, forged)).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('rejects truncations, trailing bytes and oversize records', () => {
    const bytes = sign(RecordKind.Profile, 1, unwrap(encodeProfile(profile)));
    for (let len = 0; len < bytes.length; len += 7) expect(verifyRecord(s, bytes.subarray(0, len)).ok).toBe(false);
    expect(verifyRecord(s, new Uint8Array([...bytes, 0])).ok).toBe(false);
    expect(parseRecord(new Uint8Array(MAX_RECORD_BYTES + 1))).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(() => sign(RecordKind.Profile, 1, new Uint8Array(MAX_RECORD_BYTES))).toThrow(RangeError);
  });

  it('rejects a validly signed record whose payload does not decode for its kind', () => {
    expect(verifyRecord(s, sign(RecordKind.DeviceList, 1, filled(10, 0)))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(verifyRecord(s, sign(RecordKind.Profile, 1, new Uint8Array([1]))).ok).toBe(false);
  });

  it('enforces profile limits on encode and decode', () => {
    const max: Profile = { name: '🙂'.repeat(MAX_PROFILE_NAME_CHARS), status: 'x'.repeat(MAX_PROFILE_STATUS_CHARS), avatarMime: 'image/webp', avatar: filled(MAX_AVATAR_BYTES, 1) };
    const maxBytes = unwrap(encodeProfile(max));
    expect(unwrap(decodeProfile(maxBytes))).toEqual(max);
    // The largest profile still fits in a record.
    expect(verifyRecord(s, sign(RecordKind.Profile, 1, maxBytes)).ok).toBe(true);
    expect(encodeProfile({ ...max, name: max.name + 'a' })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(encodeProfile({ ...max, status: max.status + 'a' })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(encodeProfile({ ...max, avatar: filled(MAX_AVATAR_BYTES + 1, 1) })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(encodeProfile({ ...profile, avatarMime: 'image/svg+xml' })).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(encodeProfile({ ...profile, avatar: new Uint8Array(0) })).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(unwrap(decodeProfile(unwrap(encodeProfile({ name: '', status: '', avatarMime: '', avatar: new Uint8Array(0) }))))).toEqual({ name: '', status: '', avatarMime: '', avatar: new Uint8Array(0) });
    // A hand-built payload over the limits is refused on decode too.
    const over = unwrap(encodeProfile({ ...profile, name: 'n' }));
    const longName = new Uint8Array([MAX_PROFILE_NAME_CHARS + 1, ...new TextEncoder().encode('n'.repeat(MAX_PROFILE_NAME_CHARS + 1)), ...over.subarray(2)]);
    expect(decodeProfile(longName)).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(decodeProfile(new Uint8Array([...over, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeProfile(new Uint8Array([2, 0xff, 0xfe, 0, 0, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('enforces device list limits and rejects duplicates', () => {
    const many = Array.from({ length: MAX_DEVICES_PER_LIST + 1 }, (_, i) => ({ signKey: filled(32, i % 256).map((b, j) => (j === 0 ? i >> 8 : b)) as DeviceKey, boxKey: filled(32, 0) }));
    expect(encodeDeviceList({ ...deviceList, devices: many.slice(0, MAX_DEVICES_PER_LIST) }).ok).toBe(true);
    expect(encodeDeviceList({ ...deviceList, devices: many })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(encodeDeviceList({ ...deviceList, devices: [deviceList.devices[0]!, deviceList.devices[0]!] })).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(encodeDeviceList({ ...deviceList, inboxKey: filled(31, 0) })).toMatchObject({ ok: false, code: 'MALFORMED' });
    const encoded = unwrap(encodeDeviceList(deviceList));
    for (let len = 0; len < encoded.length; len++) expect(decodeDeviceList(encoded.subarray(0, len)).ok).toBe(false);
    expect(decodeDeviceList(new Uint8Array([...encoded, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
  });
});
