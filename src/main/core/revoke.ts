// Revoking one of this account's other devices (docs/MULTIDEVICE.md, "Revoke"): it is unregistered from every
// topic the account follows, every chat and the account doc get a new key and topic (announced by KEY_EPOCH
// messages on the old topics, sealed to every remaining device, the chats' other members' devices included), the
// inbox moves too, a new signed device list without the device is published, and the old topics are closed.
// Nothing changes locally unless every relay involved took the unregistrations and the KEY_EPOCH messages.
import type { TopicCapability } from '../../shared/crypto/capability.js';
import { deriveInboxCapability } from '../../shared/crypto/capability.js';
import { sealEnvelope } from '../../shared/crypto/envelope.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import { listChats, putChat, removeDevice, setSetting } from '../../shared/docs/account-doc.js';
import type { ChatEntry } from '../../shared/docs/account-doc.js';
import { encodeKeyEpoch } from '../../shared/docs/key-epoch.js';
import type { KeyEpochRecipient } from '../../shared/docs/key-epoch.js';
import { DEVICE_HEX_CHARS, isHexId } from '../../shared/docs/values.js';
import type { CoreResult } from '../../shared/core-api.js';
import { RecordKind, TopicFlags } from '../../shared/frames.js';
import type { DeviceKey, TopicId } from '../../shared/ids.js';
import { bytesEqual, toHex } from '../../shared/ids.js';
import { err, ok } from '../../shared/result.js';
import { accountDoc, accountDocTopic, changeAccount, chatDocTopic } from './context.js';
import type { CoreContext } from './context.js';
import { ownDeviceList } from './devices.js';
import { inboxBoxKeypair, nextDeviceListVersion, signDeviceList, storeDeviceListRecord } from './identity.js';
import { ACCOUNT_EPOCH_SETTING, accountEpoch, switchAccount, switchChatTo } from './key-epochs.js';
import type { EpochDeps } from './key-epochs.js';
import { addPendingCloses, closePending } from './pending-closes.js';
import { publishRecords } from './profile.js';

type OldTopic = { relays: string[]; capability: TopicCapability; flags: number; /** The KEY_EPOCH envelope to publish there (none for the inbox). */ envelope: Uint8Array | null };
type Fail = { code: 'RELAY_UNREACHABLE' | 'INTERNAL'; message: string };

/** Revokes an own device other than this one; INVALID_ARGUMENT for an unknown id, NOT_ALLOWED for this device. */
export async function revokeDevice(ctx: CoreContext, deps: EpochDeps, input: string, timeoutMs = ctx.timing.requestTimeoutMs): Promise<CoreResult<{ deviceId: string }>> {
  const deviceId = typeof input === 'string' ? input.trim().toLowerCase() : '';
  if (!isHexId(deviceId, DEVICE_HEX_CHARS)) return err('INVALID_ARGUMENT', `not a device id (64 hex characters): ${JSON.stringify(String(input).slice(0, 80))}`);
  if (deviceId === ctx.me.device) return err('NOT_ALLOWED', 'this is the current device: revoke it from another device of this account');
  const { version, list } = ownDeviceList(ctx);
  const target = list.devices.find((d) => toHex(d.signKey) === deviceId);
  if (target === undefined) return err('INVALID_ARGUMENT', `no device ${deviceId} in this account's device list (see cairn devices)`);
  const { sodium, engine, id, db } = ctx;

  const chats = listChats(accountDoc(ctx)).filter((c) => c.blocked !== true);
  const urls = [...new Set([...ctx.relays(), ...chats.flatMap((c) => c.relays)])];
  const down = (await Promise.all(urls.map(async (u) => ((await engine.pool.whenOpen(u, timeoutMs)) ? null : u)))).filter((u) => u !== null);
  if (down.length > 0) return err('RELAY_UNREACHABLE', `cannot reach ${down.join(', ')}: a revocation needs every relay of the account and its chats; nothing changed`);
  // Every member's current list (not only missing ones): the new keys go to the devices they have now.
  const others = [...new Set(chats.flatMap((c) => c.members))].filter((a) => a !== ctx.me.account);
  await Promise.all(others.map((a) => ctx.directory.fetch(RecordKind.DeviceList, a, [...new Set(chats.filter((c) => c.members.includes(a)).flatMap((c) => c.relays))], timeoutMs)));
  if (engine.stopped) return err('NOT_ALLOWED', 'this device is shutting down');
  // A member none of whose devices gets the new key would be cut off from the chat.
  const unknown = others.filter((a) => ctx.directory.deviceList(a) === null);
  if (unknown.length > 0) return err('RELAY_UNREACHABLE', `cannot fetch the device list of ${unknown.join(', ')}: their devices could not get the new keys; nothing changed`);

  // The next epoch: new secrets, and the device list without the revoked device that names the new inbox.
  const remaining = list.devices.filter((d) => d !== target);
  const ownRecipients: KeyEpochRecipient[] = remaining.filter((d) => !bytesEqual(d.signKey, id.device.publicKey));
  const accountKey = randomBytes(32);
  const inboxSecret = randomBytes(32);
  const epoch = accountEpoch(ctx) + 1;
  const newInbox = { secret: inboxSecret, capability: deriveInboxCapability(sodium, inboxSecret), box: inboxBoxKeypair(sodium, inboxSecret) };
  const record = signDeviceList(sodium, { ...id, inbox: newInbox }, remaining, nextDeviceListVersion(db, ctx.now(), version));

  const seal = (topic: TopicId, key: Uint8Array, plaintext: Uint8Array) => sealEnvelope(sodium, { topic, epoch: 0, key, senderKey: id.device.publicKey, senderSecret: id.device.secretKey, plaintext });
  const oldDoc = accountDocTopic(ctx);
  const old: OldTopic[] = [
    {
      relays: oldDoc.relays,
      capability: oldDoc.capability,
      flags: 0,
      envelope: seal(oldDoc.topic, oldDoc.key, encodeKeyEpoch(sodium, { scope: 'account', oldTopic: oldDoc.topic, epoch, key: accountKey, inboxSecret, deviceList: record, recipients: ownRecipients })),
    },
    { relays: ctx.relays(), capability: id.inbox.capability, flags: TopicFlags.OpenPublish, envelope: null },
  ];
  const rotated: ChatEntry[] = [];
  for (const chat of chats) {
    const spec = chatDocTopic(sodium, chat);
    const next: ChatEntry = { ...chat, key: toHex(randomBytes(32)), epoch: (chat.epoch ?? 0) + 1 };
    const members = chat.members.filter((a) => a !== ctx.me.account).flatMap((a) => ctx.directory.deviceList(a)?.devices ?? []);
    const plaintext = encodeKeyEpoch(sodium, { scope: 'chat', oldTopic: spec.topic, epoch: next.epoch!, key: chatDocTopic(sodium, next).key, inboxSecret: null, deviceList: record, recipients: [...ownRecipients, ...members] });
    old.push({ relays: spec.relays, capability: spec.capability, flags: 0, envelope: seal(spec.topic, spec.key, plaintext) });
    rotated.push(next);
  }

  const failed = await announce(ctx, old, target.signKey);
  if (failed !== null) return err(failed.code, `${failed.message}; the device list and keys did not change (try again)`);

  // Every relay has the KEY_EPOCH messages: move here, then tell the relays about the new device list.
  engine.registry.transaction(() => {
    storeDeviceListRecord(db, record);
    ctx.directory.accept(record, undefined, false);
    switchAccount(ctx, deps, { key: accountKey, inboxSecret, epoch });
    addPendingCloses(db, old.flatMap((t) => t.relays.map((url) => ({ url, capability: t.capability, flags: t.flags }))));
    // Written under the new account-doc key; each chat moves to its new topic in this same transaction.
    changeAccount(ctx, (doc) => {
      for (const next of rotated) putChat(doc, next);
      removeDevice(doc, deviceId);
      setSetting(doc, ACCOUNT_EPOCH_SETTING, epoch);
    });
    for (const next of rotated) switchChatTo(ctx, next);
  });
  // The new device list first: a contact whose invite then meets a closed inbox finds the new inbox in it.
  await Promise.all(ctx.relays().map((url) => publishRecords(ctx, url)));
  await closePending(ctx);
  ctx.log.info({ device: deviceId, chats: rotated.length, epoch }, 'revoked a device');
  return ok({ deviceId });
}

/** Unregisters the revoked device from every old topic and publishes the KEY_EPOCH messages there. */
async function announce(ctx: CoreContext, old: OldTopic[], revoked: DeviceKey): Promise<Fail | null> {
  const work = old.flatMap((t) =>
    t.relays.map(async (url): Promise<Fail | null> => {
      const client = ctx.engine.pool.get(url)?.client;
      if (client === undefined || !client.isOpen) return { code: 'RELAY_UNREACHABLE', message: `${url} is not connected` };
      const opened = await client.openTopic(t.capability, t.flags);
      const topic = t.capability.topic as TopicId;
      const unregistered = opened.ok ? await client.unregister(topic, [revoked]) : opened;
      if (!unregistered.ok) return { code: 'RELAY_UNREACHABLE', message: `${url}: unregistering the device failed: ${unregistered.message}` };
      if (t.envelope === null) return null;
      const published = await client.publish(topic, t.envelope);
      return published.ok ? null : { code: 'RELAY_UNREACHABLE', message: `${url}: publishing the key epoch failed: ${published.message}` };
    }),
  );
  return (await Promise.all(work)).find((f) => f !== null) ?? null;
}
