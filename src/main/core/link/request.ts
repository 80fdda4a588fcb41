// The new device's side of a link (docs/MULTIDEVICE.md): in a home without an account, make this device's
// keys, wait on a fresh rendezvous topic for an existing device of the account, answer its commitment with an
// offer, check its reveal, show the SAS, and store the handed-over account (secrets, relays, signed records)
// together with a pending first backfill, then acknowledge. It asks for no confirmation: the user confirms on
// the existing device, which only then sends the handover.
import { hostname } from 'node:os';
import type { CoreResult } from '../../../shared/core-api.js';
import type { Sodium } from '../../../shared/crypto/sodium.js';
import { randomBytes } from '../../../shared/crypto/sodium.js';
import { RecordKind } from '../../../shared/frames.js';
import { bytesEqual, toHex } from '../../../shared/ids.js';
import type { DeviceKey } from '../../../shared/ids.js';
import { encodeLinkCode, LINK_SECRET_BYTES } from '../../../shared/link/link-code.js';
import { decodeHandover, LINK_EPOCH, linkCommit, linkSas, linkSessionKey, linkTopic, linkTranscript, MAX_DEVICE_NAME_CHARS } from '../../../shared/link/link-protocol.js';
import type { Handover } from '../../../shared/link/link-protocol.js';
import { accountIdOf, decodeDeviceList, verifyRecord } from '../../../shared/records.js';
import { err, ok } from '../../../shared/result.js';
import type { Result } from '../../../shared/result.js';
import type { Home } from '../../home/index.js';
import { RelayClient } from '../../relay-client/index.js';
import type { RelayClientOptions } from '../../relay-client/index.js';
import { LINK_BACKFILL_META } from '../../sync/backfill.js';
import { ensureDeviceKeys, loadIdentity, META, setMeta, storeDeviceListRecord, VAULT_NAMES } from '../identity.js';
import type { Identity } from '../identity.js';
import { Rendezvous } from './rendezvous.js';
import { generateEphemeral, sharedSecret } from './x25519.js';

export type RequestLinkOptions = {
  home: Home;
  sodium: Sodium;
  /** The relay both devices meet on (a ws:// or wss:// URL). */
  relay: string;
  /** This device's name in the account's device list (default: the host name). */
  name?: string;
  /** How long the code stays valid and this side waits for an approval. */
  timeoutMs: number;
  /** The code to show, as soon as this side listens. */
  onCode(code: string): void;
  /** The SAS, as soon as the existing device revealed its key. */
  onSas(sas: string): void;
  clientOptions?: Partial<Omit<RelayClientOptions, 'sodium' | 'device'>>;
  now?: () => number;
  /** Aborting stops waiting (the UI's Cancel): NOT_ALLOWED, nothing stored unless the handover was already in. */
  signal?: AbortSignal;
};

export type LinkedDevice = { accountId: string; deviceId: string; sas: string };

export async function requestLink(o: RequestLinkOptions): Promise<CoreResult<LinkedDevice>> {
  const { home, sodium } = o;
  if (loadIdentity(home.vault, sodium) !== null) return err('INVALID_ARGUMENT', `${home.dir} already holds an account`);
  const name = [...(o.name ?? hostname()).trim()].slice(0, MAX_DEVICE_NAME_CHARS).join('') || 'device';
  const device = ensureDeviceKeys(home.vault, sodium);
  const now = o.now ?? Date.now;
  const deadline = Date.now() + o.timeoutMs;
  const client = new RelayClient({ ...o.clientOptions, sodium, device });
  const connected = await client.connect(o.relay);
  if (!connected.ok) {
    await client.close();
    return err('RELAY_UNREACHABLE', `cannot reach ${o.relay}: ${connected.message}`);
  }
  const secret = randomBytes(LINK_SECRET_BYTES);
  const topic = linkTopic(sodium, secret);
  const rv = new Rendezvous({ sodium, client, device, topic });
  const cancel = () => rv.close();
  // A function, so each check reads the signal anew (a property read would be narrowed after the first).
  const cancelled = () => o.signal?.aborted === true;
  o.signal?.addEventListener('abort', cancel, { once: true });
  try {
    if (cancelled()) return err('NOT_ALLOWED', 'the link request was cancelled');
    const opened = await rv.open();
    if (!opened.ok) return err('RELAY_UNREACHABLE', `${o.relay}: ${opened.message}`);
    o.onCode(encodeLinkCode({ secret, relay: o.relay, expiresAt: now() + o.timeoutMs }));

    const left = () => Math.max(0, deadline - Date.now());
    const hello = await rv.next((r) => r.message.type === 'hello', left());
    if (cancelled()) return err('NOT_ALLOWED', 'the link request was cancelled');
    if (hello === null || hello.message.type !== 'hello') return err('TIMEOUT', `no device approved this link code within ${Math.round(o.timeoutMs / 1000)} s`);
    const peer = hello.from;
    const commit = hello.message.commit;
    const ephemeral = generateEphemeral();
    rv.send(peer, { type: 'offer', ephemeral: ephemeral.publicKey, boxKey: device.box.publicKey, name });
    const reveal = await rv.next((r) => bytesEqual(r.from, peer) && (r.message.type === 'reveal' || r.message.type === 'abort'), left());
    if (reveal === null) return cancelled() ? err('NOT_ALLOWED', 'the link request was cancelled') : err('TIMEOUT', 'the existing device stopped answering');
    if (reveal.message.type === 'abort') return err('NOT_ALLOWED', `the existing device refused: ${reveal.message.reason}`);
    if (reveal.message.type !== 'reveal' || !bytesEqual(linkCommit(sodium, reveal.message.ephemeral), commit)) return err('NOT_ALLOWED', 'the existing device revealed a key it had not committed to');
    const shared = sharedSecret(ephemeral.secretKey, reveal.message.ephemeral);
    if (shared === null) return err('NOT_ALLOWED', 'the existing device sent an unusable key');
    const transcript = linkTranscript(sodium, topic.key, { existingDevice: peer, commit, newDevice: device.publicKey, newEphemeral: ephemeral.publicKey, newBoxKey: device.box.publicKey, existingEphemeral: reveal.message.ephemeral });
    rv.setSessionKey(linkSessionKey(sodium, topic.key, shared, transcript));
    const sas = linkSas(sodium, transcript);
    o.onSas(sas);

    const answer = await rv.next((r) => bytesEqual(r.from, peer) && (r.message.type === 'handover' || r.message.type === 'abort'), left());
    if (answer === null && cancelled()) return err('NOT_ALLOWED', 'the link request was cancelled');
    if (answer === null) return err('TIMEOUT', `the link was not confirmed on the existing device within ${Math.round(o.timeoutMs / 1000)} s`);
    if (answer.message.type === 'abort') return err('NOT_ALLOWED', `the link was declined on the existing device (${answer.message.reason}); nothing changed`);
    if (answer.message.type !== 'handover') return err('INTERNAL', 'unexpected link message');
    const opened2 = sodium.boxSealOpen(answer.message.sealed, device.box.publicKey, device.box.secretKey);
    const handover = opened2 === null ? null : decodeHandover(opened2);
    const checked = handover?.ok === true ? checkHandover(sodium, handover.value, device) : err('MALFORMED', 'the handover does not open');
    if (!checked.ok) {
      rv.send(peer, { type: 'abort', reason: checked.message }, LINK_EPOCH.code);
      return err('NOT_ALLOWED', `the handover was refused: ${checked.message}`);
    }
    const accountId = storeHandover(home, sodium, checked.value);
    rv.send(peer, { type: 'done' }, LINK_EPOCH.session);
    return ok({ accountId, deviceId: device.hex, sas });
  } finally {
    o.signal?.removeEventListener('abort', cancel);
    rv.close();
    await client.close();
  }
}

/** The handover must hold an account whose signed device list lists this device with its box key. */
function checkHandover(sodium: Sodium, h: Handover, device: Identity['device']): Result<Handover, 'MALFORMED'> {
  const account = sodium.signSeedKeypair(h.accountSeed);
  const list = verifyRecord(sodium, h.deviceList);
  if (!list.ok || list.value.kind !== RecordKind.DeviceList || !bytesEqual(list.value.accountKey, account.publicKey)) return err('MALFORMED', 'the device list is not signed by the handed-over account');
  const devices = decodeDeviceList(list.value.payload);
  if (!devices.ok || !devices.value.devices.some((d) => bytesEqual(d.signKey, device.publicKey as DeviceKey) && bytesEqual(d.boxKey, device.box.publicKey))) return err('MALFORMED', 'the device list does not list this device');
  if (h.profile !== null) {
    const profile = verifyRecord(sodium, h.profile);
    if (!profile.ok || profile.value.kind !== RecordKind.Profile || !bytesEqual(profile.value.accountKey, account.publicKey)) return err('MALFORMED', 'the profile is not signed by the handed-over account');
  }
  return ok(h);
}

/** Secrets into the vault, relays and records into meta, and the first backfill marked pending — in one transaction. */
function storeHandover(home: Home, sodium: Sodium, h: Handover): string {
  home.db.transaction(() => {
    home.vault.put(VAULT_NAMES.accountSeed, h.accountSeed);
    home.vault.put(VAULT_NAMES.inboxSecret, h.inboxSecret);
    home.vault.put(VAULT_NAMES.accountDocKey, h.accountDocKey);
    setMeta(home.db, META.relays, JSON.stringify(h.relays));
    storeDeviceListRecord(home.db, h.deviceList);
    if (h.profile !== null) setMeta(home.db, META.profileRecord, h.profile);
    setMeta(home.db, LINK_BACKFILL_META, JSON.stringify({ done: [] }));
  })();
  return toHex(accountIdOf(sodium, sodium.signSeedKeypair(h.accountSeed).publicKey));
}
