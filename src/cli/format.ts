// What `cairn` prints: the JSON documents of the CLI contract (exact field sets) and their human-readable forms.
import type { ChatView, ContactView, CoreStatus, MessageView, SearchHit, WhoAmI } from '../shared/core-api.js';

export type MessageJson = { id: string; chatId: string; author: string; device: string; text: string; sentAt: number };
export type ContactJson = { accountId: string; name: string; status: string };
export type ChatJson = { chatId: string; title: string; members: string[]; unread: number; lastMessage: MessageJson | null; request: boolean };
export type SearchJson = MessageJson & { chatTitle: string; snippet: string };

export const messageJson = (m: MessageView): MessageJson => ({ id: m.id, chatId: m.chatId, author: m.author, device: m.device, text: m.text, sentAt: m.sentAt });

export const contactJson = (c: ContactView): ContactJson => ({ accountId: c.accountId, name: c.name, status: c.status });

export const chatJson = (c: ChatView): ChatJson => ({
  chatId: c.chatId,
  title: c.title,
  members: [...c.members],
  unread: c.unread,
  lastMessage: c.lastMessage ? messageJson(c.lastMessage) : null,
  request: c.request,
});

export const searchJson = (h: SearchHit): SearchJson => ({ ...messageJson(h.message), chatTitle: h.chatTitle, snippet: h.snippet });

export const whoamiJson = (w: WhoAmI): WhoAmI => ({ accountId: w.accountId, deviceId: w.deviceId, name: w.name, status: w.status, relays: [...w.relays] });

/** One JSON document, one line, newline-terminated. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** Keeps a line of human output on one line: control characters from message text become spaces. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

const short = (id: string): string => id.slice(0, 8);
const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

export function whoamiText(w: WhoAmI): string {
  return `account  ${w.accountId}\ndevice   ${w.deviceId}\nname     ${oneLine(w.name)}\nstatus   ${oneLine(w.status)}\nrelays   ${w.relays.join(' ')}\n`;
}

export function contactsText(list: ContactView[]): string {
  if (list.length === 0) return 'no contacts yet (cairn contact add CODE)\n';
  return list.map((c) => `${c.accountId}  ${oneLine(c.name)}${c.status ? ` — ${oneLine(c.status)}` : ''}${c.blocked ? ' [blocked]' : ''}\n`).join('');
}

export function chatsText(list: ChatView[]): string {
  if (list.length === 0) return 'no chats yet (cairn chat new --with ACCOUNT_ID)\n';
  return list
    .map((c) => {
      const flags = `${c.request ? ' [request]' : ''}${c.unread > 0 ? ` (${c.unread} unread)` : ''}`;
      const last = c.lastMessage ? `\n    ${time(c.lastMessage.sentAt)} ${oneLine(c.lastMessage.text).slice(0, 100)}` : '';
      return `${c.chatId}  ${oneLine(c.title)}${flags}${last}\n`;
    })
    .join('');
}

export function messagesText(list: MessageView[]): string {
  return list.map((m) => `${time(m.sentAt)}  ${m.mine ? 'me' : short(m.author)}  ${m.deleted ? '(deleted)' : oneLine(m.text)}  [${m.id}]\n`).join('');
}

export function searchText(hits: SearchHit[]): string {
  if (hits.length === 0) return 'no matches\n';
  return hits.map((h) => `${oneLine(h.chatTitle)}  ${time(h.message.sentAt)}  ${oneLine(h.snippet)}  [${h.message.chatId} ${h.message.id}]\n`).join('');
}

export function statusText(s: CoreStatus): string {
  const relays = s.relays.map((r) => `  ${r.url}  ${r.connected ? 'connected' : 'offline'}${r.lastError ? `  (${oneLine(r.lastError)})` : ''}\n`).join('');
  const revoked = s.revoked === true ? 'this device was removed from its account (revoked): it no longer syncs\n' : '';
  return `${revoked}${s.online ? 'online' : 'offline'}, ${s.outbox} in the outbox\n${relays}`;
}
