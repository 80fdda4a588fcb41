// Invites refused because the contact's inbox was closed (the contact revoked a device and moved its inbox,
// docs/MULTIDEVICE.md section 7): the sealed invite cannot be opened again here, so the contact's new device list
// is fetched and the invites of this account's chats with that contact are sealed anew to the new inbox. A repeated
// invite for a chat the contact knows already is ignored there.
import { getContact, listChats } from '../../shared/docs/account-doc.js';
import { RecordKind } from '../../shared/frames.js';
import type { AccountId, TopicId } from '../../shared/ids.js';
import { bytesEqual, fromHex, toHex } from '../../shared/ids.js';
import { accountDoc } from './context.js';
import type { CoreContext } from './context.js';
import { sealInvite } from './invite-envelope.js';

/** The outbox doc name of invites to an account's inbox (see chats.ts). */
export const INBOX_DOC_PREFIX = 'inbox:';

/** Re-sends this account's invites to `account` once its device list names an inbox other than `closedInbox`,
 *  replacing every queued invite to that account; until then the refused rows stay (the outbox retries them). */
export async function resendInvites(ctx: CoreContext, account: string, closedInbox: Uint8Array): Promise<void> {
  const contact = getContact(accountDoc(ctx), account);
  if (contact === null) return;
  await ctx.directory.fetch(RecordKind.DeviceList, account, contact.relays, ctx.timing.requestTimeoutMs);
  const list = ctx.directory.deviceList(account);
  if (ctx.engine.stopped) return;
  if (list === null || bytesEqual(list.inboxTopic, closedInbox)) {
    ctx.log.warn({ account }, 'an invite met a closed inbox and no newer device list names another yet: kept, retried later');
    return;
  }
  const chats = listChats(accountDoc(ctx)).filter((c) => c.blocked !== true && c.createdBy === ctx.me.account && c.members.includes(account));
  const { engine, id } = ctx;
  // The refused rows go in the transaction that writes their successors: a crash cannot lose the invites.
  engine.registry.transaction(() => {
    engine.outbox.removeDoc(`${INBOX_DOC_PREFIX}${account}`);
    for (const entry of chats) {
      const payload = {
        chatId: fromHex(entry.chatId)!,
        chatKey: fromHex(entry.key)!,
        relays: entry.relays,
        title: entry.title,
        members: entry.members.map((m) => fromHex(m) as AccountId),
        fromAccount: id.account.id,
        fromAccountKey: id.account.publicKey,
        sentAt: entry.createdAt,
      };
      const envelope = sealInvite(ctx.sodium, { payload, inboxTopic: list.inboxTopic as TopicId, inboxKey: list.inboxKey, device: id.device });
      for (const relay of contact.relays) engine.outbox.add({ relay, topic: list.inboxTopic, doc: `${INBOX_DOC_PREFIX}${account}`, envelope, messageId: null, createdAt: ctx.now() });
    }
  });
  ctx.log.info({ account, chats: chats.length, inbox: toHex(list.inboxTopic).slice(0, 8) }, 'sent invites again to the moved inbox');
  engine.kick(contact.relays);
}
