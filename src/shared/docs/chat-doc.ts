// The chat doc (docs/client-design.md): messages in a Y.Map keyed by id (flat cost per message, unlike a
// growing Y.Array), plus meta, members and per-account read positions. Every member can write the doc, so
// reads validate shapes, and authorship of edits is checked against the original (see acceptMessageChange).
import type * as Y from 'yjs';
import { randomBytes } from '../crypto/sodium.js';
import { toHex } from '../ids.js';
import { MAX_MESSAGE_TEXT } from '../limits.js';
import { err, ok } from '../result.js';
import type { Result } from '../result.js';
import { ACCOUNT_HEX_CHARS, DEVICE_HEX_CHARS, isHexId, isLaterMarker, isPlainObject, isTimestamp, MESSAGE_ID_HEX_CHARS, readMarkerOf, requireHex, requireTimestamp, utf8Length } from './values.js';
import type { ReadMarker } from './values.js';

export type { ReadMarker } from './values.js';

export const CHAT_DOC_ROOTS = { messages: 'messages', meta: 'meta', members: 'members', reads: 'reads' } as const;
/** Longest chat title, in UTF-16 code units; a longer one reads as no title. */
export const MAX_CHAT_TITLE_CHARS = 256;
export const MESSAGE_ID_BYTES = 16;

export type MessageValue = { author: string; device: string; sentAt: number; text: string; replyTo?: string; editedAt?: number; deleted?: true };
export type ChatMessage = MessageValue & { id: string };
export type NewMessage = { id?: string; author: string; device: string; sentAt: number; text: string; replyTo?: string };
/** Who asks for an edit or deletion: it must be the author's account and the device that wrote the message. */
export type MessageActor = { author: string; device: string };
export type MessageErrorCode = 'TOO_LARGE' | 'EXISTS' | 'NOT_FOUND' | 'NOT_AUTHOR' | 'DELETED';
export type MemberRole = 'admin' | 'member';
export type ChatMember = { account: string; role: MemberRole; addedAt: number };
export type ChatMeta = { title: string | null; createdAt: number; createdBy: string };

const messagesOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(CHAT_DOC_ROOTS.messages);

function textFits(text: string): boolean {
  // A string of n UTF-16 units has at most 3n UTF-8 bytes, so most texts skip the exact count.
  return text.length * 3 <= MAX_MESSAGE_TEXT || (text.length <= MAX_MESSAGE_TEXT && utf8Length(text) <= MAX_MESSAGE_TEXT);
}

/** The validated message, or null for a value of the wrong shape. A deleted message always reads with text ''. */
export function messageValueOf(v: unknown): MessageValue | null {
  if (!isPlainObject(v) || !isHexId(v.author, ACCOUNT_HEX_CHARS) || !isHexId(v.device, DEVICE_HEX_CHARS) || !isTimestamp(v.sentAt)) return null;
  if (typeof v.text !== 'string' || !textFits(v.text)) return null;
  if (v.replyTo !== undefined && !isHexId(v.replyTo, MESSAGE_ID_HEX_CHARS)) return null;
  if (v.editedAt !== undefined && !isTimestamp(v.editedAt)) return null;
  if (v.deleted !== undefined && v.deleted !== true) return null;
  const m: MessageValue = { author: v.author, device: v.device, sentAt: v.sentAt, text: v.deleted === true ? '' : v.text };
  if (v.replyTo !== undefined && v.deleted !== true) m.replyTo = v.replyTo;
  if (v.editedAt !== undefined) m.editedAt = v.editedAt;
  if (v.deleted === true) m.deleted = true;
  return m;
}

/** Message order: sentAt, then id. */
export function compareMessages(a: { sentAt: number; id: string }, b: { sentAt: number; id: string }): number {
  return a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The value to keep when a message changes from `previous` to `next`: only the original author's device may edit
 * or delete (author, device and sentAt stay), a deletion is final, and removing the key is ignored. With
 * `senderDevice` (hex of the envelope's verified sender, for updates its author published) the new value must
 * also come from that device. Any member can write the doc, so this is where authorship is enforced.
 */
export function acceptMessageChange(previous: MessageValue | null, next: MessageValue | null, senderDevice: string | null = null): MessageValue | null {
  if (next === null) return previous;
  if (senderDevice !== null && next.device !== senderDevice) return previous;
  if (previous === null) return next;
  if (previous.deleted === true) return previous;
  if (next.author !== previous.author || next.device !== previous.device || next.sentAt !== previous.sentAt) return previous;
  return next;
}

export function addMessage(doc: Y.Doc, message: NewMessage): Result<string, 'TOO_LARGE' | 'EXISTS'> {
  requireHex(message.author, ACCOUNT_HEX_CHARS, 'author');
  requireHex(message.device, DEVICE_HEX_CHARS, 'device');
  requireTimestamp(message.sentAt, 'sentAt');
  if (message.replyTo !== undefined) requireHex(message.replyTo, MESSAGE_ID_HEX_CHARS, 'replyTo');
  if (message.id !== undefined) requireHex(message.id, MESSAGE_ID_HEX_CHARS, 'id');
  if (!textFits(message.text)) return err('TOO_LARGE', `message text is longer than ${MAX_MESSAGE_TEXT} UTF-8 bytes`);
  const id = message.id ?? toHex(randomBytes(MESSAGE_ID_BYTES));
  const messages = messagesOf(doc);
  if (messages.has(id)) return err('EXISTS', `message ${id} already exists`);
  const value: MessageValue = { author: message.author, device: message.device, sentAt: message.sentAt, text: message.text };
  if (message.replyTo !== undefined) value.replyTo = message.replyTo;
  messages.set(id, value);
  return ok(id);
}

function ownMessage(doc: Y.Doc, id: string, actor: MessageActor): Result<MessageValue, 'NOT_FOUND' | 'NOT_AUTHOR'> {
  const current = messageValueOf(messagesOf(doc).get(id));
  if (current === null) return err('NOT_FOUND', `no message ${id}`);
  if (current.author !== actor.author || current.device !== actor.device) return err('NOT_AUTHOR', 'only the device that wrote a message may change it');
  return ok(current);
}

export function editMessage(doc: Y.Doc, id: string, edit: MessageActor & { text: string; editedAt: number }): Result<void, Exclude<MessageErrorCode, 'EXISTS'>> {
  requireTimestamp(edit.editedAt, 'editedAt');
  if (!textFits(edit.text)) return err('TOO_LARGE', `message text is longer than ${MAX_MESSAGE_TEXT} UTF-8 bytes`);
  const current = ownMessage(doc, id, edit);
  if (!current.ok) return current;
  if (current.value.deleted === true) return err('DELETED', `message ${id} was deleted`);
  messagesOf(doc).set(id, { ...current.value, text: edit.text, editedAt: edit.editedAt });
  return ok(undefined);
}

/** Delete for everyone: the text (and reply link) is cleared and `deleted: true` stays as a tombstone. Idempotent. */
export function deleteMessage(doc: Y.Doc, id: string, by: MessageActor & { deletedAt: number }): Result<void, 'NOT_FOUND' | 'NOT_AUTHOR'> {
  requireTimestamp(by.deletedAt, 'deletedAt');
  const current = ownMessage(doc, id, by);
  if (!current.ok) return current;
  if (current.value.deleted === true) return ok(undefined);
  const { author, device, sentAt } = current.value;
  messagesOf(doc).set(id, { author, device, sentAt, text: '', editedAt: by.deletedAt, deleted: true } satisfies MessageValue);
  return ok(undefined);
}

/**
 * The message as the doc holds it; with `original` (e.g. the materialized row), a change that
 * acceptMessageChange refuses reads as the original.
 */
export function getMessage(doc: Y.Doc, id: string, original?: MessageValue | null): ChatMessage | null {
  const current = messageValueOf(messagesOf(doc).get(id));
  const value = original === undefined ? current : acceptMessageChange(original, current);
  return value === null ? null : { id, ...value };
}

/** Every valid message, ordered by sentAt then id. Reads the whole map: for export and tests, not the UI. */
export function listMessages(doc: Y.Doc): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const [id, v] of messagesOf(doc).entries()) {
    const value = isHexId(id, MESSAGE_ID_HEX_CHARS) ? messageValueOf(v) : null;
    if (value !== null) out.push({ id, ...value });
  }
  return out.sort(compareMessages);
}

export type MessagesObserver = (ids: string[], transaction: Y.Transaction, event: Y.YMapEvent<unknown>) => void;

/** The message ids a transaction added, changed or removed. */
export function changedMessageIds(event: Y.YMapEvent<unknown>): string[] {
  return [...event.keysChanged];
}

/** The value a changed message had before the transaction (null when it is new). Call inside the observer. */
export function previousMessageValue(event: Y.YMapEvent<unknown>, id: string): MessageValue | null {
  const change = event.changes.keys.get(id);
  return change === undefined || change.action === 'add' ? null : messageValueOf(change.oldValue);
}

/** Calls back once per transaction that touched messages (local or applied update); returns the unsubscribe. */
export function observeMessages(doc: Y.Doc, callback: MessagesObserver): () => void {
  const messages = messagesOf(doc);
  const handler = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction): void => callback(changedMessageIds(event), transaction, event);
  messages.observe(handler);
  return () => messages.unobserve(handler);
}

// ---- meta (one key per field)

function checkTitle(title: string | null): void {
  if (title !== null && title.length > MAX_CHAT_TITLE_CHARS) throw new TypeError(`chat title longer than ${MAX_CHAT_TITLE_CHARS} characters`);
}

export function initChat(doc: Y.Doc, init: ChatMeta & { members: ChatMember[] }): void {
  requireTimestamp(init.createdAt, 'createdAt');
  requireHex(init.createdBy, ACCOUNT_HEX_CHARS, 'createdBy');
  checkTitle(init.title);
  doc.transact(() => {
    const meta = doc.getMap<unknown>(CHAT_DOC_ROOTS.meta);
    meta.set('title', init.title);
    meta.set('createdAt', init.createdAt);
    meta.set('createdBy', init.createdBy);
    for (const m of init.members) putMember(doc, m);
  });
}

export function setChatTitle(doc: Y.Doc, title: string | null): void {
  checkTitle(title);
  doc.getMap<unknown>(CHAT_DOC_ROOTS.meta).set('title', title);
}

export function getChatMeta(doc: Y.Doc): ChatMeta | null {
  const meta = doc.getMap<unknown>(CHAT_DOC_ROOTS.meta);
  const createdAt = meta.get('createdAt');
  const createdBy = meta.get('createdBy');
  if (!isTimestamp(createdAt) || !isHexId(createdBy, ACCOUNT_HEX_CHARS)) return null;
  const title = meta.get('title');
  return { title: typeof title === 'string' && title.length <= MAX_CHAT_TITLE_CHARS ? title : null, createdAt, createdBy };
}

// ---- members

function memberOf(account: string, v: unknown): ChatMember | null {
  if (!isHexId(account, ACCOUNT_HEX_CHARS) || !isPlainObject(v) || (v.role !== 'admin' && v.role !== 'member') || !isTimestamp(v.addedAt)) return null;
  return { account, role: v.role, addedAt: v.addedAt };
}

export function putMember(doc: Y.Doc, member: ChatMember): void {
  requireHex(member.account, ACCOUNT_HEX_CHARS, 'member account');
  requireTimestamp(member.addedAt, 'addedAt');
  if (member.role !== 'admin' && member.role !== 'member') throw new TypeError(`unknown role ${String(member.role)}`);
  doc.getMap<unknown>(CHAT_DOC_ROOTS.members).set(member.account, { role: member.role, addedAt: member.addedAt });
}

export function getMember(doc: Y.Doc, account: string): ChatMember | null {
  return memberOf(account, doc.getMap<unknown>(CHAT_DOC_ROOTS.members).get(account));
}

export function removeMember(doc: Y.Doc, account: string): boolean {
  const members = doc.getMap<unknown>(CHAT_DOC_ROOTS.members);
  if (!members.has(account)) return false;
  members.delete(account);
  return true;
}

/** Valid members, oldest first (addedAt, then account). */
export function listMembers(doc: Y.Doc): ChatMember[] {
  const out: ChatMember[] = [];
  for (const [account, v] of doc.getMap<unknown>(CHAT_DOC_ROOTS.members).entries()) {
    const m = memberOf(account, v);
    if (m !== null) out.push(m);
  }
  return out.sort((a, b) => a.addedAt - b.addedAt || (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

// ---- reads (each account's newest read message; forward only)

export function getRead(doc: Y.Doc, account: string): ReadMarker | null {
  return readMarkerOf(doc.getMap<unknown>(CHAT_DOC_ROOTS.reads).get(account));
}

/** Moves the account's read position forward (sentAt, then id); true when it moved. */
export function setRead(doc: Y.Doc, account: string, marker: ReadMarker): boolean {
  requireHex(account, ACCOUNT_HEX_CHARS, 'account');
  if (readMarkerOf(marker) === null) throw new TypeError('read marker must be {messageId: 32 hex, sentAt: timestamp}');
  const current = getRead(doc, account);
  if (current !== null && !isLaterMarker(marker, current)) return false;
  doc.getMap<unknown>(CHAT_DOC_ROOTS.reads).set(account, { messageId: marker.messageId, sentAt: marker.sentAt });
  return true;
}

export function listReads(doc: Y.Doc): Map<string, ReadMarker> {
  const out = new Map<string, ReadMarker>();
  for (const [account, v] of doc.getMap<unknown>(CHAT_DOC_ROOTS.reads).entries()) {
    const marker = readMarkerOf(v);
    if (marker !== null && isHexId(account, ACCOUNT_HEX_CHARS)) out.set(account, marker);
  }
  return out;
}
