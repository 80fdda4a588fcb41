// TEST ONLY: the fake core's contacts, chats, messages, search and export (fake-core.ts assembles the whole fake).
import type { ChatView, ContactView, CoreApi, MessageView, SearchHit } from '../../shared/core-api.js';
import { err, ok } from '../../shared/result.js';
import { ME, type FakeState } from './fake-core-state.js';

type ChatMethods = Pick<
  CoreApi,
  'invite' | 'addContact' | 'contacts' | 'createChat' | 'chats' | 'acceptRequest' | 'blockRequest' | 'send' | 'editMessage' | 'deleteMessage' | 'messages' | 'markRead' | 'search' | 'exportChat'
>;

export function fakeChatMethods(s: FakeState): ChatMethods {
  return {
    async invite() {
      s.record('invite', []);
      return s.failure<{ code: string }>('invite') ?? ok({ code: `cairn:${'ab'.repeat(50)}` });
    },
    async addContact(code) {
      s.record('addContact', [code]);
      const f = s.failure<ContactView>('addContact');
      if (f) return f;
      const known = s.invites.get(code.trim());
      if (known !== undefined) {
        const contact = JSON.parse(known) as ContactView;
        s.contacts.set(contact.accountId, contact);
        s.emit('contact', contact);
        return ok(contact);
      }
      return code.trim().startsWith('cairn:') ? err('UNKNOWN_ACCOUNT', 'no relay of the invite knows this account') : err('MALFORMED_INVITE', 'not a Cairn invite code');
    },
    async contacts() {
      s.record('contacts', []);
      return s.failure<ContactView[]>('contacts') ?? ok([...s.contacts.values()]);
    },
    async createChat(o) {
      s.record('createChat', [o]);
      const f = s.failure<{ chatId: string }>('createChat');
      if (f) return f;
      if (o.with.length === 0 || o.with.some((a) => !s.contacts.has(a))) return err('UNKNOWN_CONTACT', 'not a contact');
      const chatId = s.id(16);
      s.emit('chat', s.addChat({ chatId, with: o.with, ...(o.title ? { title: o.title } : {}) }));
      return ok({ chatId });
    },
    async chats() {
      s.record('chats', []);
      return s.failure<ChatView[]>('chats') ?? ok([...s.chats.keys()].map(s.chatView));
    },
    async acceptRequest(chatId) {
      s.record('acceptRequest', [chatId]);
      const c = s.chats.get(chatId);
      if (c === undefined) return s.noChat();
      c.request = false;
      s.emit('chat', s.chatView(chatId));
      return ok(s.chatView(chatId));
    },
    async blockRequest(chatId) {
      s.record('blockRequest', [chatId]);
      if (!s.chats.delete(chatId)) return s.noChat();
      s.emit('chatRemoved', { chatId });
      return ok({ chatId });
    },
    async send(chatId, text, o) {
      s.record('send', [chatId, text, ...(o ? [o] : [])]);
      const f = s.failure<{ messageId: string }>('send');
      if (f) return f;
      if (!s.chats.has(chatId)) return s.noChat();
      const m = s.message(chatId, text, ME, Math.max(s.now() + ++s.clock, (s.history(chatId).at(-1)?.sentAt ?? 0) + 1));
      s.insert(m);
      s.emit('messages', { chatId, messages: [m] });
      s.emit('chat', s.chatView(chatId));
      return ok({ messageId: m.id });
    },
    async editMessage(chatId, messageId, text) {
      s.record('editMessage', [chatId, messageId, text]);
      const m = s.history(chatId).find((x) => x.id === messageId);
      if (m === undefined) return err('UNKNOWN_MESSAGE', 'no such message');
      if (!m.mine) return err('NOT_ALLOWED', 'not your message');
      Object.assign(m, { text, editedAt: s.now() });
      s.emit('messages', { chatId, messages: [{ ...m }] });
      return ok({ ...m });
    },
    async deleteMessage(chatId, messageId) {
      s.record('deleteMessage', [chatId, messageId]);
      const m = s.history(chatId).find((x) => x.id === messageId);
      if (m === undefined) return err('UNKNOWN_MESSAGE', 'no such message');
      if (!m.mine) return err('NOT_ALLOWED', 'not your message');
      Object.assign(m, { text: '', deleted: true });
      s.emit('messages', { chatId, messages: [{ ...m }] });
      return ok({ ...m });
    },
    async messages(chatId, o) {
      s.record('messages', [chatId, ...(o ? [o] : [])]);
      const f = s.failure<MessageView[]>('messages');
      if (f) return f;
      if (!s.chats.has(chatId)) return s.noChat();
      const list = s.history(chatId);
      const end = o?.before === undefined ? list.length : list.findIndex((m) => m.id === o.before);
      if (end < 0) return err('UNKNOWN_MESSAGE', 'no such message');
      const limit = o?.limit ?? 50;
      return ok(list.slice(Math.max(0, end - limit), end).map((m) => ({ ...m })));
    },
    async markRead(chatId, messageId) {
      s.record('markRead', [chatId, messageId]);
      const c = s.chats.get(chatId);
      const m = s.history(chatId).find((x) => x.id === messageId);
      if (c === undefined) return s.noChat();
      if (m === undefined) return err('UNKNOWN_MESSAGE', 'no such message');
      c.readUpTo = Math.max(c.readUpTo, m.sentAt);
      const view = s.chatView(chatId);
      s.emit('chat', view);
      return ok({ unread: view.unread });
    },
    async search(query, o) {
      s.record('search', [query, ...(o ? [o] : [])]);
      const f = s.failure<SearchHit[]>('search');
      if (f) return f;
      const words = query.toLowerCase().split(/\s+/u).filter((w) => w.length > 0);
      const hits: SearchHit[] = [];
      for (const [chatId, list] of s.histories) {
        if (!s.chats.has(chatId) || (o?.chatId !== undefined && o.chatId !== chatId)) continue;
        for (const m of list) {
          if (words.length > 0 && words.every((w) => m.text.toLowerCase().includes(w))) hits.push({ message: { ...m }, chatTitle: s.chatView(chatId).title, snippet: m.text });
        }
      }
      return ok(hits.sort((a, b) => b.message.sentAt - a.message.sentAt).slice(0, o?.limit ?? 50));
    },
    async exportChat(chatId, format) {
      s.record('exportChat', [chatId, format]);
      if (!s.chats.has(chatId)) return s.noChat();
      const list = s.history(chatId);
      const text = format === 'json' ? JSON.stringify({ chatId, messages: list }) : `# ${s.chatView(chatId).title}\n\n${list.map((m) => `- ${s.nameOf(m.author)}: ${m.text}`).join('\n')}\n`;
      return ok({ text });
    },
  };
}
