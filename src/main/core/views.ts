// Pure conversions from stored rows and doc entries to the API's views, and the chat export formats.
import type { ChatEntry } from '../../shared/docs/account-doc.js';
import type { ChatView, MessageView } from '../../shared/core-api.js';
import type { MessageRow } from '../db/index.js';
import type { DeliveryState } from '../sync/outbox-store.js';

export type Me = { account: string; device: string };

/** state: for messages this device wrote (own messages from other devices carry none). */
export function messageView(row: MessageRow, me: Me, state: DeliveryState | undefined): MessageView {
  const ownDevice = row.device === me.device;
  return {
    id: row.id,
    chatId: row.chat,
    author: row.author,
    device: row.device,
    text: row.deleted ? '' : row.text,
    sentAt: row.sentAt,
    replyTo: row.replyTo,
    editedAt: row.editedAt,
    deleted: row.deleted,
    state: ownDevice ? (state ?? 'sent') : null,
    mine: row.author === me.account,
  };
}

/** A short, stable stand-in for an account without a known name. */
export function shortId(accountHex: string): string {
  return accountHex.slice(0, 8);
}

/** The chat's title, else (1:1 and small groups) the other members' names. */
export function chatTitle(entry: ChatEntry, me: string, nameOf: (account: string) => string | null): string {
  if (entry.title !== null && entry.title !== '') return entry.title;
  const others = entry.members.filter((m) => m !== me);
  if (others.length === 0) return 'Notes';
  return others.map((m) => nameOf(m) || shortId(m)).join(', ');
}

export function chatView(entry: ChatEntry, parts: { title: string; unread: number; lastMessage: MessageView | null }): ChatView {
  return {
    chatId: entry.chatId,
    title: parts.title,
    members: [...entry.members],
    unread: parts.unread,
    lastMessage: parts.lastMessage,
    request: entry.request,
    lastActivityAt: Math.max(entry.createdAt, parts.lastMessage?.sentAt ?? 0),
  };
}

/** A short excerpt of text around the first word of the query that it contains. */
export function snippet(text: string, query: string, width = 80): string {
  if (text.length <= width) return text;
  const lower = text.toLowerCase();
  let at = -1;
  for (const w of query.toLowerCase().split(/\s+/u).filter((x) => x.length > 0)) {
    at = lower.indexOf(w.replaceAll('"', ''));
    if (at >= 0) break;
  }
  const start = Math.max(0, Math.min(at < 0 ? 0 : at - Math.floor(width / 4), text.length - width));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + width)}${start + width < text.length ? '…' : ''}`;
}

export type ExportInput = { chatId: string; title: string; members: { accountId: string; name: string }[]; messages: MessageView[] };

export function exportJson(input: ExportInput): string {
  return JSON.stringify({ format: 'cairn-chat-export', version: 1, chatId: input.chatId, title: input.title, members: input.members, messages: input.messages }, null, 2) + '\n';
}

export function exportMarkdown(input: ExportInput): string {
  const names = new Map(input.members.map((m) => [m.accountId, m.name || shortId(m.accountId)]));
  const lines = [`# ${input.title}`, '', `Chat \`${input.chatId}\` with ${input.members.map((m) => names.get(m.accountId)).join(', ')}.`, ''];
  for (const m of input.messages) {
    const when = new Date(m.sentAt).toISOString();
    const who = names.get(m.author) ?? shortId(m.author);
    const text = m.deleted ? '_(deleted)_' : m.text.replaceAll('\n', '\n  ');
    lines.push(`- **${who}** (${when}${m.editedAt !== null && !m.deleted ? ', edited' : ''}): ${text}`);
  }
  return lines.join('\n') + '\n';
}
