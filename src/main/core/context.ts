// What the core's services share: the identity, the sync engine, the record directory and the event
// emitter, plus the lookups every service needs (names, chat specs, views).
import type * as Y from 'yjs';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { deriveCapability } from '../../shared/crypto/capability.js';
import { getChat, getContact, getReadMarker } from '../../shared/docs/account-doc.js';
import type { ChatEntry } from '../../shared/docs/account-doc.js';
import type { ChatView, CoreEvents, MessageView } from '../../shared/core-api.js';
import type { TopicId } from '../../shared/ids.js';
import { fromHex, toHex } from '../../shared/ids.js';
import type { ClientDb, MessageRow, MessageStore } from '../db/index.js';
import type { SyncEngine } from '../sync/engine.js';
import type { DocTopic } from '../sync/engine-options.js';
import type { CoreLogger } from '../sync/logger.js';
import type { Directory } from './directory.js';
import type { Identity } from './identity.js';
import { chatTitle, chatView, messageView } from './views.js';
import type { Me } from './views.js';

export const ACCOUNT_DOC = 'account';

export type CoreTiming = {
  /** How long a lookup waits for a relay to connect and answer (default 10 s). */
  requestTimeoutMs: number;
};

export type CoreContext = {
  db: ClientDb;
  sodium: Sodium;
  id: Identity;
  me: Me;
  engine: SyncEngine;
  directory: Directory;
  messages: MessageStore;
  log: CoreLogger;
  timing: CoreTiming;
  now(): number;
  /** The account's own relays. */
  relays(): string[];
  emit<K extends keyof CoreEvents>(event: K, payload: CoreEvents[K]): void;
  /** unreadCount's statement, prepared once (see prepareUnread). */
  unread: UnreadQuery;
};

type UnreadQuery = { get(chat: string, me: string, sentAt: number, id: string): { n: number } | undefined };

export function prepareUnread(db: ClientDb): UnreadQuery {
  return db.prepare<[string, string, number, string], { n: number }>(
    'SELECT count(*) AS n FROM messages WHERE chat = ? AND author != ? AND deleted = 0 AND (sent_at, id) > (?, ?)',
  );
}

export function accountDoc(ctx: CoreContext): Y.Doc {
  return ctx.engine.registry.doc(ACCOUNT_DOC);
}

/** A local change of the account doc (persisted, sealed into the outbox, synced to own devices). */
export function changeAccount<R>(ctx: CoreContext, change: (doc: Y.Doc) => R): R {
  return ctx.engine.registry.local(ACCOUNT_DOC, change);
}

export function chatDocTopic(sodium: Sodium, entry: ChatEntry): DocTopic {
  const key = fromHex(entry.key)!;
  const capability = deriveCapability(sodium, key);
  return { id: entry.chatId, kind: 'chat', topic: capability.topic, topicHex: toHex(capability.topic), key, relays: [...entry.relays], capability };
}

export function accountDocTopic(ctx: { id: Identity; relays(): string[] }): DocTopic {
  const { key, capability } = ctx.id.accountDoc;
  return { id: ACCOUNT_DOC, kind: 'account', topic: capability.topic as TopicId, topicHex: toHex(capability.topic), key, relays: ctx.relays(), capability };
}

/** A display name: the contact entry's, else the cached profile's, else null. */
export function nameOf(ctx: CoreContext, account: string): string | null {
  if (account === ctx.me.account) return ctx.directory.profile(account)?.name ?? null;
  const contact = getContact(accountDoc(ctx), account);
  if (contact !== null && contact.name !== '') return contact.name;
  return ctx.directory.profile(account)?.name ?? null;
}

/** Message views with the delivery state of this device's own messages. */
export function messageViews(ctx: CoreContext, chat: string, rows: readonly MessageRow[]): MessageView[] {
  const own = rows.filter((r) => r.device === ctx.me.device).map((r) => r.id);
  const states = ctx.engine.outbox.states(chat, own);
  return rows.map((r) => messageView(r, ctx.me, states.get(r.id)));
}

/** Messages from others after the read marker. */
export function unreadCount(ctx: CoreContext, chat: string): number {
  const marker = getReadMarker(accountDoc(ctx), chat);
  const row = ctx.unread.get(chat, ctx.me.account, marker?.sentAt ?? -1, marker?.messageId ?? '');
  return row?.n ?? 0;
}

export function chatViewOf(ctx: CoreContext, entry: ChatEntry): ChatView {
  const last = ctx.messages.page(entry.chatId, { limit: 1 });
  return chatView(entry, {
    title: chatTitle(entry, ctx.me.account, (a) => nameOf(ctx, a)),
    unread: unreadCount(ctx, entry.chatId),
    lastMessage: last.length === 0 ? null : messageViews(ctx, entry.chatId, last)[0]!,
  });
}

/** The chat's entry unless it is unknown or blocked. */
export function liveChat(ctx: CoreContext, chatId: string): ChatEntry | null {
  const entry = typeof chatId === 'string' ? getChat(accountDoc(ctx), chatId) : null;
  return entry === null || entry.blocked === true ? null : entry;
}
