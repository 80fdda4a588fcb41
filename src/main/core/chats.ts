// Chats: creating one with contacts (chat key, topic, registration of every member device, invites sealed
// to each contact's inbox), listing, and answering message requests (accept, or block: unregister this
// account's devices, drop the chat's local data, block the inviter).
import { acceptChat, addChat, blockChat, getChat, getContact, listChats, putContact } from '../../shared/docs/account-doc.js';
import type { ChatEntry } from '../../shared/docs/account-doc.js';
import { initChat, MAX_CHAT_TITLE_CHARS } from '../../shared/docs/chat-doc.js';
import { CHAT_ID_BYTES } from '../../shared/docs/invite-payload.js';
import { ACCOUNT_HEX_CHARS, isHexId } from '../../shared/docs/values.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import type { ChatView, CoreResult } from '../../shared/core-api.js';
import { RecordKind } from '../../shared/frames.js';
import type { AccountId, TopicId } from '../../shared/ids.js';
import { fromHex, toHex } from '../../shared/ids.js';
import { err, ok } from '../../shared/result.js';
import { accountDoc, changeAccount, chatDocTopic, chatViewOf, liveChat, nameOf } from './context.js';
import type { CoreContext } from './context.js';
import { getMeta, setMeta } from './identity.js';
import { sealInvite } from './invite-envelope.js';

export function chatList(ctx: CoreContext): ChatView[] {
  return listChats(accountDoc(ctx))
    .filter((c) => c.blocked !== true)
    .map((c) => chatViewOf(ctx, c))
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.chatId < b.chatId ? -1 : 1));
}

export async function createChat(ctx: CoreContext, options: { with: string[]; title?: string }): Promise<CoreResult<{ chatId: string }>> {
  const others = [...new Set(Array.isArray(options?.with) ? options.with : [])];
  if (others.length === 0) return err('INVALID_ARGUMENT', 'a chat needs at least one other member');
  for (const a of others) if (!isHexId(a, ACCOUNT_HEX_CHARS)) return err('INVALID_ARGUMENT', `not an account id: ${String(a).slice(0, 80)}`);
  if (others.includes(ctx.me.account)) return err('INVALID_ARGUMENT', 'you are a member of your chats already');
  const title = options.title ?? null;
  if (title !== null && (typeof title !== 'string' || title.length > MAX_CHAT_TITLE_CHARS)) return err('INVALID_ARGUMENT', `a title has at most ${MAX_CHAT_TITLE_CHARS} characters`);
  const doc = accountDoc(ctx);
  for (const a of others) {
    const c = getContact(doc, a);
    if (c === null || c.blocked === true) return err('UNKNOWN_CONTACT', `${a} is not a contact; add them with their invite code first`);
  }
  // Each member's current list: a cached one may still name a device revoked since, which would be registered
  // on the new chat and hold up deletion of its updates. A cached list stands in when no relay answers.
  const outcomes = await Promise.all(others.map((a) => ctx.directory.fetch(RecordKind.DeviceList, a, getContact(doc, a)!.relays, ctx.timing.requestTimeoutMs)));
  if (ctx.engine.stopped) return err('INTERNAL', 'the core stopped');
  for (const [i, a] of others.entries()) {
    const cached = ctx.directory.deviceList(a) !== null;
    if (outcomes[i] === 'found') continue;
    if (cached) ctx.log.warn({ account: a, outcome: outcomes[i] }, 'creating a chat with the cached device list of a member (no relay served a current one)');
    else if (outcomes[i] === 'unreachable') return err('RELAY_UNREACHABLE', `cannot fetch the device list of ${a} from ${getContact(doc, a)!.relays.join(', ')}`);
    else return err('UNKNOWN_ACCOUNT', `no relay knows account ${a}`);
  }

  const now = ctx.now();
  const chatKey = randomBytes(32);
  const chatIdBytes = randomBytes(CHAT_ID_BYTES);
  const entry: ChatEntry = { chatId: toHex(chatIdBytes), key: toHex(chatKey), relays: ctx.relays(), title, members: [ctx.me.account, ...others], createdAt: now, createdBy: ctx.me.account, request: false };
  const spec = chatDocTopic(ctx.sodium, entry);
  const { engine, id } = ctx;
  engine.registry.register(spec);
  const inviteRelays = new Set<string>();
  engine.registry.transaction(() => {
    changeAccount(ctx, (d) => addChat(d, entry));
    engine.registry.local(entry.chatId, (d) =>
      initChat(d, {
        title,
        createdAt: now,
        createdBy: ctx.me.account,
        members: entry.members.map((m) => ({ account: m, role: m === ctx.me.account ? 'admin' : 'member', addedAt: now })),
      }),
    );
    const payload = {
      chatId: chatIdBytes,
      chatKey,
      relays: entry.relays,
      title,
      members: entry.members.map((m) => fromHex(m) as AccountId),
      fromAccount: id.account.id,
      fromAccountKey: id.account.publicKey,
      sentAt: now,
    };
    for (const a of others) {
      const list = ctx.directory.deviceList(a)!;
      const envelope = sealInvite(ctx.sodium, { payload, inboxTopic: list.inboxTopic, inboxKey: list.inboxKey, device: id.device });
      for (const relay of getContact(doc, a)!.relays) {
        engine.outbox.add({ relay, topic: list.inboxTopic, doc: `inbox:${a}`, envelope, messageId: null, createdAt: now });
        inviteRelays.add(relay);
      }
    }
  });
  engine.follow(spec);
  engine.kick(inviteRelays);
  return ok({ chatId: entry.chatId });
}

export function acceptRequest(ctx: CoreContext, chatId: string): CoreResult<ChatView> {
  const entry = liveChat(ctx, chatId);
  if (entry === null) return err('UNKNOWN_CHAT', `no chat ${String(chatId).slice(0, 80)}`);
  if (!entry.request) return ok(chatViewOf(ctx, entry));
  changeAccount(ctx, (doc) => {
    acceptChat(doc, chatId);
    const from = entry.createdBy;
    if (getContact(doc, from) === null) putContact(doc, { accountId: from, name: nameOf(ctx, from) ?? '', relays: entry.relays, addedAt: ctx.now() });
  });
  return ok(chatViewOf(ctx, getChat(accountDoc(ctx), chatId)!));
}

/** Blocks a chat (a request: also its inviter). The chat's local data goes; own devices are unregistered. */
export function blockRequest(ctx: CoreContext, chatId: string): CoreResult<{ chatId: string }> {
  const entry = liveChat(ctx, chatId);
  if (entry === null) return err('UNKNOWN_CHAT', `no chat ${String(chatId).slice(0, 80)}`);
  changeAccount(ctx, (doc) => {
    blockChat(doc, chatId);
    if (!entry.request) return;
    const from = entry.createdBy;
    const contact = getContact(doc, from);
    putContact(doc, { accountId: from, name: contact?.name ?? nameOf(ctx, from) ?? '', relays: contact?.relays ?? entry.relays, addedAt: contact?.addedAt ?? ctx.now(), blocked: true });
  });
  for (const url of entry.relays) void unregisterBlocked(ctx, url);
  return ok({ chatId });
}

const unregisteredKey = (chatId: string, url: string) => `unregistered:${chatId}:${url}`;

/** Unregisters this account's devices from the blocked chats on a relay, once per chat and relay. */
export async function unregisterBlocked(ctx: CoreContext, url: string): Promise<void> {
  const client = ctx.engine.pool.get(url)?.client;
  if (client === undefined || !client.isOpen) return;
  for (const entry of listChats(accountDoc(ctx))) {
    if (entry.blocked !== true || !entry.relays.includes(url) || getMeta(ctx.db, unregisteredKey(entry.chatId, url)) !== undefined) continue;
    const { capability } = chatDocTopic(ctx.sodium, entry);
    const opened = await client.openTopic(capability);
    const devices = ctx.directory.devicesOf(ctx.me.account);
    const r = opened.ok ? await client.unregister(capability.topic as TopicId, devices.length > 0 ? devices : [ctx.id.device.publicKey]) : opened;
    if (ctx.engine.stopped) return;
    if (r.ok) setMeta(ctx.db, unregisteredKey(entry.chatId, url), 1);
    else ctx.log.warn({ relay: url, chat: entry.chatId }, `unregistering from a blocked chat failed: ${r.message}`);
  }
}
