// Account records on the relay: publish, look up, newer replaces, older is STALE_RECORD, a bad signature
// is BAD_RECORD, and an account the relay has never seen is unknown (null).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { randomBytes } from '../../../src/shared/crypto/sodium.js';
import { RecordKind } from '../../../src/shared/frames.js';
import type { AccountId, DeviceKey, TopicId } from '../../../src/shared/ids.js';
import { accountIdOf, decodeProfile, encodeDeviceList, encodeProfile, parseRecord, signRecord } from '../../../src/shared/records.js';
import { must, useClient, useRelay } from '../helpers/harness.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

function account() {
  const kp = sodium.signSeedKeypair(randomBytes(32));
  return { key: kp.publicKey, secret: kp.secretKey, id: accountIdOf(sodium, kp.publicKey) };
}

function profileRecord(acct: ReturnType<typeof account>, version: number, name: string): Uint8Array {
  const payload = must(encodeProfile({ name, status: 'here', avatarMime: 'image/png', avatar: new Uint8Array([137, 80, 78, 71]) }));
  return signRecord(sodium, { kind: RecordKind.Profile, accountKey: acct.key, accountSecret: acct.secret, version, payload });
}

describe('account records', () => {
  it('publishes a profile and looks it up by account id; a newer version replaces it', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const reader = await useClient(relay.url, sodium);
    const acct = account();
    const v1 = profileRecord(acct, 1, 'Ada');
    must(await a.client.putRecord(v1));
    expect(must(await reader.client.getRecord(RecordKind.Profile, acct.id))).toEqual(v1);

    const v2 = profileRecord(acct, 2, 'Ada L.');
    must(await a.client.putRecord(v2));
    const got = must(await reader.client.getRecord(RecordKind.Profile, acct.id));
    expect(got).toEqual(v2);
    expect(must(decodeProfile(must(parseRecord(got!)).payload)).name).toBe('Ada L.');
    // Records are not topic-log entries.
    expect((await relay.stats()).storedUpdates).toBe(0);
  });

  it('refuses an older or equal version with STALE_RECORD and keeps the newer one', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const acct = account();
    const v5 = profileRecord(acct, 5, 'five');
    must(await a.client.putRecord(v5));
    expect(await a.client.putRecord(profileRecord(acct, 4, 'four'))).toMatchObject({ ok: false, code: 'STALE_RECORD' });
    expect(await a.client.putRecord(profileRecord(acct, 5, 'five again'))).toMatchObject({ ok: false, code: 'STALE_RECORD' });
    expect(must(await a.client.getRecord(RecordKind.Profile, acct.id))).toEqual(v5);
  });

  it('refuses a record with a bad signature or garbage with BAD_RECORD; nothing is stored', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const acct = account();
    const tampered = profileRecord(acct, 1, 'Mallory').slice();
    tampered[tampered.length - 1]! ^= 0x01;
    expect(await a.client.putRecord(tampered)).toMatchObject({ ok: false, code: 'BAD_RECORD' });
    // Signed by another key than the one it names.
    const other = account();
    const payload = must(encodeProfile({ name: 'fake', status: '', avatarMime: 'image/png', avatar: new Uint8Array([137, 80, 78, 71]) }));
    const forged = signRecord(sodium, { kind: RecordKind.Profile, accountKey: acct.key, accountSecret: other.secret, version: 1, payload });
    expect(await a.client.putRecord(forged)).toMatchObject({ ok: false, code: 'BAD_RECORD' });
    expect(await a.client.putRecord(randomBytes(80))).toMatchObject({ ok: false, code: 'BAD_RECORD' });
    expect(must(await a.client.getRecord(RecordKind.Profile, acct.id))).toBeNull();
  });

  it('answers unknown (null) for an account the relay has never seen, and keeps kinds apart', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    expect(must(await a.client.getRecord(RecordKind.Profile, randomBytes(32) as AccountId))).toBeNull();
    const acct = account();
    const list = must(
      encodeDeviceList({ inboxTopic: randomBytes(32) as TopicId, inboxKey: randomBytes(32), devices: [{ signKey: randomBytes(32) as DeviceKey, boxKey: randomBytes(32) }] }),
    );
    const record = signRecord(sodium, { kind: RecordKind.DeviceList, accountKey: acct.key, accountSecret: acct.secret, version: 1, payload: list });
    must(await a.client.putRecord(record));
    expect(must(await a.client.getRecord(RecordKind.DeviceList, acct.id))).toEqual(record);
    expect(must(await a.client.getRecord(RecordKind.Profile, acct.id))).toBeNull();
  });
});
