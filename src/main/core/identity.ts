// This device's secrets (in the home's vault) and what derives from them: account and device keys, the
// inbox (capability and X25519 box key pair) and the account doc's key and capability. Also the signed
// records (profile, device list) this account publishes, with versions kept in the meta table.
import type { BoxKeyPair, SignKeyPair, Sodium } from '../../shared/crypto/sodium.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import { deriveCapability, deriveInboxCapability } from '../../shared/crypto/capability.js';
import type { TopicCapability } from '../../shared/crypto/capability.js';
import { RecordKind } from '../../shared/frames.js';
import type { AccountId, DeviceKey } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import { accountIdOf, encodeDeviceList, encodeProfile, parseRecord, signRecord } from '../../shared/records.js';
import type { ListedDevice, Profile } from '../../shared/records.js';
import type { Result } from '../../shared/result.js';
import { ok } from '../../shared/result.js';
import type { ClientDb } from '../db/index.js';
import type { Vault } from '../home/index.js';

export const VAULT_NAMES = {
  accountSeed: 'account.seed',
  deviceSignSeed: 'device.sign-seed',
  deviceBoxSeed: 'device.box-seed',
  inboxSecret: 'inbox.secret',
  accountDocKey: 'account-doc.key',
} as const;

/** Label of the account doc's topic under its key (the chat's main topic uses ''). */
export const ACCOUNT_DOC_LABEL = 'account-doc';
const INBOX_BOX_DOMAIN = new TextEncoder().encode('cairn/inbox-box/v1');

export type Identity = {
  account: SignKeyPair & { id: AccountId; hex: string };
  device: { publicKey: DeviceKey; secretKey: Uint8Array; hex: string; box: BoxKeyPair };
  inbox: { secret: Uint8Array; capability: TopicCapability; box: BoxKeyPair };
  accountDoc: { key: Uint8Array; capability: TopicCapability };
};

/** The inbox's X25519 key pair: invites are sealed to its public key, which the device list publishes. */
export function inboxBoxKeypair(sodium: Sodium, inboxSecret: Uint8Array): BoxKeyPair {
  return sodium.boxSeedKeypair(sodium.hash(inboxSecret, 32, INBOX_BOX_DOMAIN));
}

function derive(sodium: Sodium, s: Record<keyof typeof VAULT_NAMES, Uint8Array>): Identity {
  const account = sodium.signSeedKeypair(s.accountSeed);
  const id = accountIdOf(sodium, account.publicKey);
  const device = sodium.signSeedKeypair(s.deviceSignSeed);
  return {
    account: { ...account, id, hex: toHex(id) },
    device: { publicKey: device.publicKey as DeviceKey, secretKey: device.secretKey, hex: toHex(device.publicKey), box: sodium.boxSeedKeypair(s.deviceBoxSeed) },
    inbox: { secret: s.inboxSecret, capability: deriveInboxCapability(sodium, s.inboxSecret), box: inboxBoxKeypair(sodium, s.inboxSecret) },
    accountDoc: { key: s.accountDocKey, capability: deriveCapability(sodium, s.accountDocKey, ACCOUNT_DOC_LABEL) },
  };
}

/** Generates every secret of a new account with its first device and seals them into the vault. */
export function createIdentity(vault: Vault, sodium: Sodium): Identity {
  const secrets = {} as Record<keyof typeof VAULT_NAMES, Uint8Array>;
  for (const [key, name] of Object.entries(VAULT_NAMES) as [keyof typeof VAULT_NAMES, string][]) {
    secrets[key] = randomBytes(32);
    vault.put(name, secrets[key]);
  }
  return derive(sodium, secrets);
}

/** The identity in the vault, or null when this home has no account yet. */
export function loadIdentity(vault: Vault, sodium: Sodium): Identity | null {
  const secrets = {} as Record<keyof typeof VAULT_NAMES, Uint8Array>;
  for (const [key, name] of Object.entries(VAULT_NAMES) as [keyof typeof VAULT_NAMES, string][]) {
    const v = vault.get(name);
    if (v === null) return null;
    secrets[key] = v;
  }
  return derive(sodium, secrets);
}

// ---- meta (key → value) helpers

export function getMeta(db: ClientDb, key: string): unknown {
  const row = db.prepare<[string], { value: unknown }>('SELECT value FROM meta WHERE key = ?').get(key);
  return row?.value;
}

export function setMeta(db: ClientDb, key: string, value: string | number | Uint8Array): void {
  db.prepare<[string, string | number | Uint8Array]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

export const META = {
  relays: 'account.relays',
  profileRecord: 'record.profile',
  deviceListRecord: 'record.device-list',
} as const;

/** The account's relays (JSON in meta). */
export function accountRelays(db: ClientDb): string[] {
  const v = getMeta(db, META.relays);
  return typeof v === 'string' ? (JSON.parse(v) as string[]) : [];
}

/** The stored signed record, or null. */
export function storedRecord(db: ClientDb, which: 'profileRecord' | 'deviceListRecord'): Uint8Array | null {
  const v = getMeta(db, META[which]);
  return v instanceof Uint8Array ? new Uint8Array(v) : null;
}

/** A version above every earlier one: the clock, or last + 1 if the clock went back. */
function nextVersion(db: ClientDb, which: 'profileRecord' | 'deviceListRecord', now: number): number {
  const last = storedRecord(db, which);
  const parsed = last === null ? null : parseRecord(last);
  return Math.max(now, parsed?.ok === true ? parsed.value.version + 1 : 1);
}

/** Signs and stores a new profile record; PROFILE limits are checked (TOO_LARGE / MALFORMED). */
export function writeProfileRecord(db: ClientDb, sodium: Sodium, id: Identity, profile: Profile, now: number): Result<Uint8Array, 'TOO_LARGE' | 'MALFORMED'> {
  const payload = encodeProfile(profile);
  if (!payload.ok) return payload;
  const record = signRecord(sodium, { kind: RecordKind.Profile, accountKey: id.account.publicKey, accountSecret: id.account.secretKey, version: nextVersion(db, 'profileRecord', now), payload: payload.value });
  setMeta(db, META.profileRecord, record);
  return ok(record);
}

/** Signs a device list record of these devices (and the inbox) at the given version; stores nothing. */
export function signDeviceList(sodium: Sodium, id: Identity, devices: ListedDevice[], version: number): Uint8Array {
  const payload = encodeDeviceList({ inboxTopic: id.inbox.capability.topic, inboxKey: id.inbox.box.publicKey, devices });
  if (!payload.ok) throw new Error(`own device list does not encode: ${payload.message}`);
  return signRecord(sodium, { kind: RecordKind.DeviceList, accountKey: id.account.publicKey, accountSecret: id.account.secretKey, version, payload: payload.value });
}

/** A device list version above the stored one and above `known` (e.g. a newer list fetched from a relay). */
export function nextDeviceListVersion(db: ClientDb, now: number, known = 0): number {
  return Math.max(nextVersion(db, 'deviceListRecord', now), known + 1);
}

/** Keeps a signed device list record as this account's own (what publishRecords puts on the relays). */
export function storeDeviceListRecord(db: ClientDb, record: Uint8Array): void {
  setMeta(db, META.deviceListRecord, record);
}

/** Signs and stores the device list of a new account: this device alone, and the inbox. */
export function writeDeviceListRecord(db: ClientDb, sodium: Sodium, id: Identity, now: number): Uint8Array {
  const record = signDeviceList(sodium, id, [{ signKey: id.device.publicKey, boxKey: id.device.box.publicKey }], nextVersion(db, 'deviceListRecord', now));
  storeDeviceListRecord(db, record);
  return record;
}

/** The device's own keys from the vault, generated and stored first if absent (a home that is about to be linked). */
export function ensureDeviceKeys(vault: Vault, sodium: Sodium): Identity['device'] {
  for (const name of [VAULT_NAMES.deviceSignSeed, VAULT_NAMES.deviceBoxSeed]) if (!vault.has(name)) vault.put(name, randomBytes(32));
  const sign = sodium.signSeedKeypair(vault.get(VAULT_NAMES.deviceSignSeed)!);
  return { publicKey: sign.publicKey as DeviceKey, secretKey: sign.secretKey, hex: toHex(sign.publicKey), box: sodium.boxSeedKeypair(vault.get(VAULT_NAMES.deviceBoxSeed)!) };
}
