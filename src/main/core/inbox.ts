// This account's inbox topic: invites into chats arrive here, sealed to the inbox key. An invite is kept
// unacked until the inviting device is found in the inviter's signed device list; from a contact it adds
// the chat, from anyone else it adds a message request; from a blocked account it is dropped.
import { addChat, getChat, getContact } from '../../shared/docs/account-doc.js';
import { RecordKind, TopicFlags } from '../../shared/frames.js';
import type { UpdateFrame } from '../../shared/frames.js';
import { toHex } from '../../shared/ids.js';
import type { Step } from '../sync/inbound.js';
import { accountDoc, changeAccount } from './context.js';
import type { CoreContext } from './context.js';
import { openInvite } from './invite-envelope.js';
import type { OpenedInvite } from './invite-envelope.js';

/** Follows the inbox topic on every relay of the account (created there as an OpenPublish topic). */
export function followInbox(ctx: CoreContext): void {
  const capability = ctx.id.inbox.capability;
  for (const url of ctx.relays()) {
    ctx.engine.followTopic(url, { topic: capability.topic, hex: toHex(capability.topic), capability, flags: TopicFlags.OpenPublish, devices: () => ctx.directory.devicesOf(ctx.me.account) });
  }
}

export function decideInvite(ctx: CoreContext, url: string, frame: UpdateFrame): Step | Promise<Step> {
  const opened = openInvite(ctx.sodium, frame.payload, { inboxTopic: ctx.id.inbox.capability.topic, box: ctx.id.inbox.box, attestedSender: frame.sender });
  if (!opened.ok) {
    ctx.log.warn({ relay: url, seq: frame.seq, code: opened.code }, `dropping an inbox message: ${opened.message}`);
    return { kind: 'skip' };
  }
  const reason = refusal(ctx, opened.value);
  if (reason !== null) {
    ctx.log.info({ relay: url, seq: frame.seq }, `ignoring an invite: ${reason}`);
    return { kind: 'skip' };
  }
  return accept(ctx, opened.value);
}

/** Why an invite is ignored for good, or null. */
function refusal(ctx: CoreContext, { payload }: OpenedInvite): string | null {
  const from = toHex(payload.fromAccount);
  if (from === ctx.me.account) return 'it comes from this account';
  if (!payload.members.some((m) => toHex(m) === ctx.me.account)) return 'this account is not a member';
  const doc = accountDoc(ctx);
  if (getContact(doc, from)?.blocked === true) return 'the inviter is blocked';
  if (getChat(doc, toHex(payload.chatId)) !== null) return 'the chat is already known';
  return null;
}

async function accept(ctx: CoreContext, invite: OpenedInvite): Promise<Step> {
  const { payload, device } = invite;
  const from = toHex(payload.fromAccount);
  const relays = [...new Set([...(getContact(accountDoc(ctx), from)?.relays ?? []), ...payload.relays])];
  const deviceHex = toHex(device);
  if (ctx.directory.ownerOf(deviceHex) !== from) {
    const outcome = await ctx.directory.fetch(RecordKind.DeviceList, from, relays, ctx.timing.requestTimeoutMs);
    if (outcome === 'unreachable') return { kind: 'stall' };
    if (ctx.directory.ownerOf(deviceHex) !== from) {
      ctx.log.warn({ from }, 'dropping an invite from a device the inviter does not list');
      return { kind: 'skip' };
    }
  }
  if (ctx.directory.profile(from) === null) await ctx.directory.fetch(RecordKind.Profile, from, relays, ctx.timing.requestTimeoutMs);
  if (ctx.engine.stopped) return { kind: 'stall' };
  const chatId = toHex(payload.chatId);
  changeAccount(ctx, (doc) => {
    if (getChat(doc, chatId) !== null || getContact(doc, from)?.blocked === true) return;
    addChat(doc, {
      chatId,
      key: toHex(payload.chatKey),
      relays: payload.relays,
      title: payload.title,
      members: payload.members.map(toHex),
      createdAt: payload.sentAt,
      createdBy: from,
      request: getContact(doc, from) === null,
    });
  });
  return { kind: 'skip' };
}
