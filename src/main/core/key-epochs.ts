// Key epochs after a device revocation (docs/MULTIDEVICE.md, "Revoke"), on every device: a KEY_EPOCH message on a
// doc's topic gives this device the doc's next key (if it has a box for it); the doc then moves to the new topic
// and the old one is "retired": still followed, read-only, under its old key, so what was published there before
// the move is not lost. Pending outbox rows are sealed again for the new topic.
import { deriveCapability, deriveInboxCapability } from '../../shared/crypto/capability.js';
import { openEnvelope, sealEnvelope } from '../../shared/crypto/envelope.js';
import { decodeAppMessage } from '../../shared/docs/app-message.js';
import { getChat, getSetting, putChat } from '../../shared/docs/account-doc.js';
import type { ChatEntry } from '../../shared/docs/account-doc.js';
import { decodeKeyEpoch, openKeyEpoch } from '../../shared/docs/key-epoch.js';
import { RecordKind, TopicFlags } from '../../shared/frames.js';
import type { UpdateFrame } from '../../shared/frames.js';
import type { TopicId } from '../../shared/ids.js';
import { bytesEqual, fromHex, toHex } from '../../shared/ids.js';
import { decodeDeviceList, parseRecord } from '../../shared/records.js';
import type { Vault } from '../home/index.js';
import type { DocTopic } from '../sync/engine-options.js';
import type { Step } from '../sync/inbound.js';
import { ACCOUNT_DOC, accountDoc, accountDocTopic, changeAccount, chatDocTopic } from './context.js';
import type { CoreContext } from './context.js';
import { ACCOUNT_DOC_LABEL, getMeta, inboxBoxKeypair, setMeta, storeDeviceListRecord, storedRecord, VAULT_NAMES } from './identity.js';
import { decideInvite, followInbox } from './inbox.js';

export type RetiredKind = 'chat' | 'account' | 'inbox';
/** A topic a doc (or the inbox) moved away from; key is the chat key, account-doc key or inbox secret (hex). */
export type RetiredTopic = { topicHex: string; doc: string; kind: RetiredKind; key: string; relays: string[]; since: number };
/** What the epoch handlers need beyond the context: the vault (new account keys) and the revoked-device hook. */
export type EpochDeps = { vault: Vault; revoked(reason: string): void };

const RETIRED_META = 'revoke.retired';
const ACCOUNT_EPOCH_META = 'account.epoch';
export const REVOKED_META = 'device.revoked';
/** A retired topic is read for this long (the relay's default TTL), then dropped. */
export const RETIRED_KEEP_MS = 30 * 24 * 3600_000;

export function retiredTopics(ctx: CoreContext): RetiredTopic[] {
  const v = getMeta(ctx.db, RETIRED_META);
  if (typeof v !== 'string') return [];
  try {
    return JSON.parse(v) as RetiredTopic[];
  } catch {
    return [];
  }
}

function capabilityOf(ctx: CoreContext, t: RetiredTopic) {
  const key = fromHex(t.key)!;
  return t.kind === 'inbox' ? deriveInboxCapability(ctx.sodium, key) : deriveCapability(ctx.sodium, key, t.kind === 'account' ? ACCOUNT_DOC_LABEL : '');
}

/** Follows a retired topic read-only on its relays (registering nobody new). */
function followRetired(ctx: CoreContext, t: RetiredTopic): void {
  const capability = capabilityOf(ctx, t);
  const flags = t.kind === 'inbox' ? TopicFlags.OpenPublish : 0;
  for (const url of t.relays) ctx.engine.followTopic(url, { topic: capability.topic, hex: t.topicHex, capability, flags, devices: () => [] });
}

/** At start: follows the retired topics still worth reading and forgets the older ones. */
export function followRetiredTopics(ctx: CoreContext): void {
  const all = retiredTopics(ctx);
  const kept = all.filter((t) => ctx.now() - t.since < RETIRED_KEEP_MS);
  if (kept.length !== all.length) setMeta(ctx.db, RETIRED_META, JSON.stringify(kept));
  for (const t of kept) followRetired(ctx, t);
}

function retire(ctx: CoreContext, t: RetiredTopic): void {
  const all = retiredTopics(ctx).filter((r) => r.topicHex !== t.topicHex);
  setMeta(ctx.db, RETIRED_META, JSON.stringify([...all, t]));
  followRetired(ctx, t);
}

/** Account-doc setting holding the account's key epoch, so a device linked after a revocation knows it too. */
export const ACCOUNT_EPOCH_SETTING = 'account.epoch';

/** The account's key epoch: what this device moved to (meta), or what the account doc says, whichever is higher. */
export function accountEpoch(ctx: CoreContext): number {
  const v = getMeta(ctx.db, ACCOUNT_EPOCH_META);
  const s = getSetting(accountDoc(ctx), ACCOUNT_EPOCH_SETTING);
  return Math.max(typeof v === 'number' ? v : 0, typeof s === 'number' && Number.isSafeInteger(s) ? s : 0);
}

/** Seals the doc's queued outbox rows of the old topic again for the new one (they could never be published). */
function reseal(ctx: CoreContext, doc: string, old: { topic: TopicId; key: Uint8Array }, next: DocTopic): void {
  const { outbox } = ctx.engine;
  const { device } = ctx.id;
  const relays = new Set<string>();
  for (const relay of outbox.relays()) {
    let after = 0;
    for (;;) {
      const rows = outbox.next(relay, after, 500);
      if (rows.length === 0) break;
      after = rows.at(-1)!.id;
      for (const row of rows) {
        if (row.doc !== doc || !bytesEqual(row.topic, old.topic)) continue;
        const opened = openEnvelope(ctx.sodium, row.envelope, { expectedTopic: old.topic, attestedSender: device.publicKey, keyForEpoch: (e) => (e === 0 ? old.key : null) });
        outbox.remove(row.id);
        if (!opened.ok) continue;
        const envelope = sealEnvelope(ctx.sodium, { topic: next.topic, epoch: 0, key: next.key, senderKey: device.publicKey, senderSecret: device.secretKey, plaintext: opened.value.plaintext });
        outbox.add({ relay, topic: next.topic, doc, envelope, messageIds: row.messageIds, createdAt: row.createdAt });
        relays.add(relay);
      }
    }
  }
  if (relays.size > 0) ctx.engine.kick(relays);
}

/** Moves a followed chat to the topic of its entry's (new) key; the account watcher calls it when the key changed. */
export function switchChat(ctx: CoreContext, followed: DocTopic, next: DocTopic): void {
  const old = { topic: followed.topic.slice() as TopicId, topicHex: followed.topicHex, key: followed.key.slice(), relays: [...followed.relays] };
  ctx.engine.registry.transaction(() => {
    retire(ctx, { topicHex: old.topicHex, doc: next.id, kind: 'chat', key: toHex(old.key), relays: old.relays, since: ctx.now() });
    ctx.engine.retopic(next);
    reseal(ctx, next.id, old, next);
  });
  ctx.log.info({ chat: next.id, from: old.topicHex.slice(0, 8), to: next.topicHex.slice(0, 8) }, 'the chat moved to a new key epoch');
}

/** Moves a followed chat to its entry's topic now if the key changed; called in the transaction that writes the
 *  new key, so a crash cannot leave the account doc on the new key and the chat's queued rows on the closed topic. */
export function switchChatTo(ctx: CoreContext, entry: ChatEntry): void {
  const followed = ctx.engine.topic(entry.chatId);
  const spec = chatDocTopic(ctx.sodium, entry);
  if (followed !== null && followed.topicHex !== spec.topicHex) switchChat(ctx, followed, spec);
}

/** Moves the account doc and the inbox to new keys (this device revoked another, or got an account KEY_EPOCH). */
export function switchAccount(ctx: CoreContext, deps: EpochDeps, next: { key: Uint8Array; inboxSecret: Uint8Array; epoch: number }): void {
  const oldDoc = accountDocTopic(ctx);
  const old = { topic: oldDoc.topic.slice() as TopicId, key: oldDoc.key.slice() };
  const oldInbox = ctx.id.inbox;
  const since = ctx.now();
  ctx.engine.registry.transaction(() => {
    deps.vault.put(VAULT_NAMES.accountDocKey, next.key);
    deps.vault.put(VAULT_NAMES.inboxSecret, next.inboxSecret);
    setMeta(ctx.db, ACCOUNT_EPOCH_META, next.epoch);
    retire(ctx, { topicHex: oldDoc.topicHex, doc: ACCOUNT_DOC, kind: 'account', key: toHex(old.key), relays: oldDoc.relays, since });
    retire(ctx, { topicHex: toHex(oldInbox.capability.topic), doc: 'inbox', kind: 'inbox', key: toHex(oldInbox.secret), relays: ctx.relays(), since });
    // The identity object is shared by the whole core: from here on everything derives the new topics.
    ctx.id.accountDoc = { key: next.key, capability: deriveCapability(ctx.sodium, next.key, ACCOUNT_DOC_LABEL) };
    ctx.id.inbox = { secret: next.inboxSecret, capability: deriveInboxCapability(ctx.sodium, next.inboxSecret), box: inboxBoxKeypair(ctx.sodium, next.inboxSecret) };
    const nextDoc = accountDocTopic(ctx);
    ctx.engine.retopic(nextDoc);
    reseal(ctx, ACCOUNT_DOC, old, nextDoc);
  });
  followInbox(ctx);
  ctx.log.info({ epoch: next.epoch }, 'the account doc and inbox moved to a new key epoch');
}

/** Takes a newer signed device list of the sender's account from a KEY_EPOCH; for this account it becomes the own record. */
function acceptList(ctx: CoreContext, owner: string, bytes: Uint8Array): { revokesMe: boolean } {
  const verified = bytes.length === 0 ? null : ctx.directory.accept(bytes, { kind: RecordKind.DeviceList, account: owner }, true);
  if (verified === null || owner !== ctx.me.account) return { revokesMe: false };
  const list = decodeDeviceList(verified.payload);
  const listsMe = list.ok && list.value.devices.some((d) => bytesEqual(d.signKey, ctx.id.device.publicKey));
  const stored = storedRecord(ctx.db, 'deviceListRecord');
  const parsed = stored === null ? null : parseRecord(stored);
  // Only a list newer than the own one counts: an older one may predate this device's link.
  if (verified.version <= (parsed?.ok === true ? parsed.value.version : 0)) return { revokesMe: false };
  if (listsMe) storeDeviceListRecord(ctx.db, bytes.slice());
  return { revokesMe: !listsMe };
}

/** A device offline during its revocation finds the KEY_EPOCH gone (nobody kept it for it): the account's device
 *  list on a relay, newer than its own and without it, tells it instead. */
export async function checkStillListed(ctx: CoreContext, deps: EpochDeps, url: string): Promise<void> {
  const outcome = await ctx.directory.fetch(RecordKind.DeviceList, ctx.me.account, [url], ctx.timing.requestTimeoutMs);
  const list = ctx.directory.deviceList(ctx.me.account);
  if (outcome !== 'found' || list === null || ctx.engine.stopped) return;
  const stored = storedRecord(ctx.db, 'deviceListRecord');
  const parsed = stored === null ? null : parseRecord(stored);
  if (ctx.directory.deviceListVersion(ctx.me.account) <= (parsed?.ok === true ? parsed.value.version : 0)) return;
  if (!list.devices.some((d) => bytesEqual(d.signKey, ctx.id.device.publicKey))) deps.revoked(`the account's device list on ${url} no longer names this device`);
}

export type EpochTarget = { doc: string; kind: 'chat' | 'account'; topic: TopicId };

/** A KEY_EPOCH from a member device (already checked) on a doc's current or retired topic; always acked. */
export function acceptKeyEpoch(ctx: CoreContext, deps: EpochDeps, target: EpochTarget, frame: UpdateFrame, body: Uint8Array): Step {
  const skip: Step = { kind: 'skip' };
  const m = decodeKeyEpoch(body);
  const owner = ctx.directory.ownerOf(toHex(frame.sender));
  if (!m.ok || owner === null || (m.value.scope === 'account') !== (target.kind === 'account')) return skip;
  if (acceptList(ctx, owner, m.value.deviceList).revokesMe) {
    deps.revoked('another device of this account revoked this one');
    return skip;
  }
  const secret = openKeyEpoch(ctx.sodium, m.value, { signKey: ctx.id.device.publicKey, box: ctx.id.device.box }, target.topic);
  if (!secret.ok) {
    ctx.log.warn({ doc: target.doc, code: secret.code }, `ignoring a key epoch: ${secret.message}`);
    return skip;
  }
  const { key, epoch, inboxSecret } = secret.value;
  if (target.kind === 'account') {
    if (epoch > accountEpoch(ctx) && inboxSecret !== null) switchAccount(ctx, deps, { key, inboxSecret, epoch });
    return skip;
  }
  const entry = getChat(accountDoc(ctx), target.doc);
  if (entry === null || entry.blocked === true || epoch <= (entry.epoch ?? 0)) return skip;
  // Moved here in the same transaction; the account watcher moves it on this account's other devices.
  const next = { ...entry, key: toHex(key), epoch };
  ctx.engine.registry.transaction(() => {
    changeAccount(ctx, (doc) => putChat(doc, next));
    switchChatTo(ctx, next);
  });
  return skip;
}

/** An update on a retired topic: sync updates still apply to their doc (from its members), invites to the old inbox
 *  are still read, a KEY_EPOCH there is handled as on the current topic. */
export function decideRetired(ctx: CoreContext, deps: EpochDeps, url: string, frame: UpdateFrame): Step | Promise<Step> {
  const hex = toHex(frame.topic);
  const t = retiredTopics(ctx).find((r) => r.topicHex === hex);
  if (t === undefined) return { kind: 'skip' };
  const key = fromHex(t.key)!;
  if (t.kind === 'inbox') return decideInvite({ ...ctx, id: { ...ctx.id, inbox: { secret: key, capability: deriveInboxCapability(ctx.sodium, key), box: inboxBoxKeypair(ctx.sodium, key) } } }, url, frame);
  const opened = openEnvelope(ctx.sodium, frame.payload, { expectedTopic: frame.topic, attestedSender: frame.sender, keyForEpoch: (e) => (e === 0 ? key : null) });
  if (!opened.ok || ctx.engine.registry.spec(t.doc) === null) return { kind: 'skip' };
  const sender = toHex(frame.sender);
  const owner = ctx.directory.ownerOf(sender);
  const members = t.kind === 'account' ? [ctx.me.account] : (getChat(accountDoc(ctx), t.doc)?.members ?? []);
  if (owner === null || !members.includes(owner)) {
    ctx.log.info({ topic: hex.slice(0, 8), sender }, 'dropping an update on a retired topic from a device that is not a member');
    return { kind: 'skip' };
  }
  const msg = decodeAppMessage(opened.value.plaintext);
  if (!msg.ok) return { kind: 'skip' };
  if (msg.value.kind === 'keyEpoch') return acceptKeyEpoch(ctx, deps, { doc: t.doc, kind: t.kind, topic: frame.topic }, frame, msg.value.body);
  if (msg.value.kind !== 'sync' || msg.value.sync === 'step1') return { kind: 'skip' };
  return { kind: 'apply', update: { doc: t.doc, update: msg.value.payload, author: msg.value.sync === 'update' ? sender : null } };
}
