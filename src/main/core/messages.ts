// Messages: send (works offline: the sealed update waits in the outbox), edit, delete for everyone,
// paging, read markers, search and export. Reads come from the materialized rows, never from Yjs.
import { setReadMarker } from '../../shared/docs/account-doc.js';
import { addMessage, deleteMessage, editMessage } from '../../shared/docs/chat-doc.js';
import { isHexId, MESSAGE_ID_HEX_CHARS } from '../../shared/docs/values.js';
import type { CoreResult, MessageView, SearchHit } from '../../shared/core-api.js';
import { toHex } from '../../shared/ids.js';
import { err, ok } from '../../shared/result.js';
import { changeAccount, chatViewOf, liveChat, messageViews, nameOf, unreadCount } from './context.js';
import type { CoreContext } from './context.js';
import { acceptRequest } from './chats.js';
import { chatTitle, exportJson, exportMarkdown, snippet } from './views.js';

const badChat = (chatId: unknown) => err('UNKNOWN_CHAT' as const, `no chat ${String(chatId).slice(0, 80)}`);
const badMessage = (id: unknown) => err('UNKNOWN_MESSAGE' as const, `no message ${String(id).slice(0, 80)}`);

/** Message ids of one device: the send time in milliseconds (6 bytes, big-endian), then 10 random bytes. Ids
 *  that grow with time append to the (chat, id) index instead of dirtying a random B-tree page each (~4 µs per
 *  message in a grouped send); the time is in the message anyway and ids only travel sealed. The random bytes
 *  come from a pool: one getRandomValues call (~5 µs) per 256 ids instead of one per id. */
export class MessageIds {
  static readonly #RANDOM = 10;
  readonly #pool = new Uint8Array(256 * MessageIds.#RANDOM);
  #at = this.#pool.length;

  next(sentAt: number): string {
    if (this.#at === this.#pool.length) {
      globalThis.crypto.getRandomValues(this.#pool);
      this.#at = 0;
    }
    const random = this.#pool.subarray(this.#at, (this.#at += MessageIds.#RANDOM));
    return Math.trunc(sentAt).toString(16).padStart(12, '0').slice(-12) + toHex(random);
  }
}

/** Send times strictly increase per device, so a device's own messages keep their order; ids: see MessageIds. */
export type SendClock = { last: number; ids?: MessageIds };

export function send(ctx: CoreContext, clock: SendClock, chatId: string, text: string, options: { replyTo?: string } = {}): CoreResult<{ messageId: string }> {
  const entry = liveChat(ctx, chatId);
  if (entry === null) return badChat(chatId);
  if (typeof text !== 'string') return err('INVALID_ARGUMENT', 'text must be a string');
  const replyTo = options?.replyTo;
  if (replyTo !== undefined && (!isHexId(replyTo, MESSAGE_ID_HEX_CHARS) || ctx.messages.get(chatId, replyTo) === null)) return badMessage(replyTo);
  // Answering a message request accepts it.
  if (entry.request) acceptRequest(ctx, chatId);
  const sentAt = (clock.last = Math.max(ctx.now(), clock.last + 1));
  const id = (clock.ids ??= new MessageIds()).next(sentAt);
  const r = ctx.engine.registry.local(chatId, (doc) => addMessage(doc, { id, author: ctx.me.account, device: ctx.me.device, sentAt, text, ...(replyTo === undefined ? {} : { replyTo }) }), id);
  if (!r.ok) return err(r.code === 'TOO_LARGE' ? 'TOO_LARGE' : 'INTERNAL', r.message);
  return ok({ messageId: id });
}

function changeOwn(ctx: CoreContext, chatId: string, messageId: string, change: 'edit' | 'delete', text = ''): CoreResult<MessageView> {
  if (liveChat(ctx, chatId) === null) return badChat(chatId);
  if (typeof messageId !== 'string' || ctx.messages.get(chatId, messageId) === null) return badMessage(messageId);
  if (change === 'edit' && typeof text !== 'string') return err('INVALID_ARGUMENT', 'text must be a string');
  const actor = { author: ctx.me.account, device: ctx.me.device };
  const now = ctx.now();
  const r = ctx.engine.registry.local(
    chatId,
    (doc) => (change === 'edit' ? editMessage(doc, messageId, { ...actor, text, editedAt: now }) : deleteMessage(doc, messageId, { ...actor, deletedAt: now })),
    messageId,
  );
  if (!r.ok) {
    if (r.code === 'TOO_LARGE') return err('TOO_LARGE', r.message);
    if (r.code === 'NOT_FOUND') return badMessage(messageId);
    return err('NOT_ALLOWED', r.message);
  }
  return ok(messageViews(ctx, chatId, [ctx.messages.get(chatId, messageId)!])[0]!);
}

export const edit = (ctx: CoreContext, chatId: string, messageId: string, text: string) => changeOwn(ctx, chatId, messageId, 'edit', text);
export const remove = (ctx: CoreContext, chatId: string, messageId: string) => changeOwn(ctx, chatId, messageId, 'delete');

export function list(ctx: CoreContext, chatId: string, options: { limit?: number; before?: string } = {}): CoreResult<MessageView[]> {
  if (liveChat(ctx, chatId) === null) return badChat(chatId);
  const limit = options?.limit ?? 50;
  if (!Number.isSafeInteger(limit) || limit < 0) return err('INVALID_ARGUMENT', 'limit must be a non-negative integer');
  const before = options?.before;
  if (before !== undefined && (typeof before !== 'string' || ctx.messages.get(chatId, before) === null)) return badMessage(before);
  return ok(messageViews(ctx, chatId, ctx.messages.page(chatId, { limit, ...(before === undefined ? {} : { before }) })));
}

export function markRead(ctx: CoreContext, chatId: string, messageId: string): CoreResult<{ unread: number }> {
  const entry = liveChat(ctx, chatId);
  if (entry === null) return badChat(chatId);
  const row = typeof messageId === 'string' ? ctx.messages.get(chatId, messageId) : null;
  if (row === null) return badMessage(messageId);
  const moved = changeAccount(ctx, (doc) => setReadMarker(doc, chatId, { messageId, sentAt: row.sentAt }));
  // The account-doc change announces the chat only when its entry changed; read markers live beside it.
  if (moved) ctx.emit('chat', chatViewOf(ctx, entry));
  return ok({ unread: unreadCount(ctx, chatId) });
}

export function search(ctx: CoreContext, query: string, options: { chatId?: string; limit?: number } = {}): CoreResult<SearchHit[]> {
  if (typeof query !== 'string') return err('INVALID_ARGUMENT', 'query must be a string');
  const limit = options?.limit ?? 50;
  if (!Number.isSafeInteger(limit) || limit < 0) return err('INVALID_ARGUMENT', 'limit must be a non-negative integer');
  const hits = ctx.messages.search(query, { limit, ...(options?.chatId === undefined ? {} : { chat: options.chatId }) });
  const out: SearchHit[] = [];
  for (const h of hits) {
    const entry = liveChat(ctx, h.chat);
    if (entry === null) continue;
    out.push({ message: messageViews(ctx, h.chat, [h])[0]!, chatTitle: chatTitle(entry, ctx.me.account, (a) => nameOf(ctx, a)), snippet: snippet(h.text, query) });
  }
  return ok(out);
}

export function exportChat(ctx: CoreContext, chatId: string, format: 'md' | 'json'): CoreResult<{ text: string }> {
  const entry = liveChat(ctx, chatId);
  if (entry === null) return badChat(chatId);
  if (format !== 'md' && format !== 'json') return err('INVALID_ARGUMENT', 'format must be md or json');
  const count = ctx.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages WHERE chat = ?').get(chatId)!.n;
  const messages = messageViews(ctx, chatId, ctx.messages.page(chatId, { limit: count }));
  const input = {
    chatId,
    title: chatTitle(entry, ctx.me.account, (a) => nameOf(ctx, a)),
    members: entry.members.map((m) => ({ accountId: m, name: nameOf(ctx, m) ?? '' })),
    messages,
  };
  return ok({ text: format === 'md' ? exportMarkdown(input) : exportJson(input) });
}
