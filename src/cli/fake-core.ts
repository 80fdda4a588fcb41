// TEST ONLY: a small in-memory CoreApi for the CLI layer's unit tests (arguments, output, control socket).
// It is not a model of the real core; it records calls and answers with fixed, checkable values.
import type { ChatView, ContactView, CoreResult, CoreStatus, MessageView, WhoAmI } from '../shared/core-api.js';
import { err, ok, type Result } from '../shared/result.js';
import type { Core, CoreBackend } from './backend.js';

export const FAKE_ACCOUNT = 'a1'.repeat(32);
export const FAKE_DEVICE = 'd1'.repeat(32);
export const FAKE_CONTACT = 'b2'.repeat(32);
export const FAKE_CHAT = 'c3'.repeat(16);
export const FAKE_INVITE = 'cairn:fakeinvitecode';

export type FakeCore = Core & { calls: Array<{ method: string; args: unknown[] }>; started: number; stopped: number };

function message(i: number, chatId: string): MessageView {
  return {
    id: i.toString(16).padStart(32, '0'),
    chatId,
    author: i % 2 ? FAKE_CONTACT : FAKE_ACCOUNT,
    device: FAKE_DEVICE,
    text: `message ${i}`,
    sentAt: 1_700_000_000_000 + i,
    replyTo: null,
    editedAt: null,
    deleted: false,
    state: i % 2 ? null : 'delivered',
    mine: i % 2 === 0,
  };
}

export function createFakeCore(options: { syncResult?: CoreResult<{ topics: number }> } = {}): FakeCore {
  const calls: FakeCore['calls'] = [];
  let profile = { name: 'Alice', status: '' };
  const relays = ['ws://127.0.0.1:1'];
  const who = (): WhoAmI => ({ accountId: FAKE_ACCOUNT, deviceId: FAKE_DEVICE, ...profile, relays: [...relays] });
  const contact: ContactView = { accountId: FAKE_CONTACT, name: 'Bob', status: 'here', relays: ['ws://127.0.0.1:1'], blocked: false };
  const history = Array.from({ length: 120 }, (_, i) => message(i, FAKE_CHAT));
  const chat = (): ChatView => ({ chatId: FAKE_CHAT, title: 'Bob', members: [FAKE_ACCOUNT, FAKE_CONTACT], unread: 2, lastMessage: history.at(-1) ?? null, request: false, lastActivityAt: 1 });
  const status: CoreStatus = { relays: [{ url: 'ws://127.0.0.1:1', connected: false, storeId: null, lastError: null }], outbox: 0, online: false };
  const knownChat = (chatId: string) => chatId === FAKE_CHAT;
  const record = (method: string, ...args: unknown[]) => calls.push({ method, args });
  const noChat = () => err('UNKNOWN_CHAT' as const, 'no such chat');

  const core: FakeCore = {
    calls,
    started: 0,
    stopped: 0,
    start: () => void core.started++,
    stop: () => void core.stopped++,
    whoami: async () => (record('whoami'), ok(who())),
    invite: async () => (record('invite'), ok({ code: FAKE_INVITE })),
    setProfile: async (p) => {
      record('setProfile', p);
      profile = { name: p.name ?? profile.name, status: p.status ?? profile.status };
      return ok(who());
    },
    addContact: async (code) => {
      record('addContact', code);
      if (code === FAKE_INVITE) return ok(contact);
      return code.startsWith('cairn:') ? err('UNKNOWN_ACCOUNT', 'no relay knows this account') : err('MALFORMED_INVITE', 'not a Cairn invite code');
    },
    contacts: async () => (record('contacts'), ok([contact])),
    createChat: async (o) => (record('createChat', o), o.with.every((a) => a === FAKE_CONTACT) ? ok({ chatId: FAKE_CHAT }) : err('UNKNOWN_CONTACT', 'not a contact')),
    chats: async () => (record('chats'), ok([chat()])),
    acceptRequest: async (id) => (record('acceptRequest', id), knownChat(id) ? ok(chat()) : noChat()),
    blockRequest: async (id) => (record('blockRequest', id), knownChat(id) ? ok({ chatId: id }) : noChat()),
    send: async (id, text, o) => {
      record('send', id, text, ...(o ? [o] : []));
      if (!knownChat(id)) return noChat();
      const m = { ...message(history.length * 2, id), text };
      history.push(m);
      return ok({ messageId: m.id });
    },
    editMessage: async (id, messageId, text) => (record('editMessage', id, messageId, text), err('NOT_ALLOWED', 'fake')),
    deleteMessage: async (id, messageId) => (record('deleteMessage', id, messageId), err('NOT_ALLOWED', 'fake')),
    messages: async (id, o) => {
      record('messages', id, ...(o ? [o] : []));
      if (!knownChat(id)) return noChat();
      const end = o?.before ? history.findIndex((m) => m.id === o.before) : history.length;
      if (end < 0) return err('UNKNOWN_MESSAGE', 'no such message');
      const limit = o?.limit ?? 50;
      return ok(history.slice(Math.max(0, end - limit), end));
    },
    markRead: async (id, messageId) => (record('markRead', id, messageId), ok({ unread: 0 })),
    search: async (q, o) => (record('search', q, ...(o ? [o] : [])), ok(history.filter((m) => m.text.includes(q)).map((m) => ({ message: m, chatTitle: 'Bob', snippet: `[${q}]` })))),
    exportChat: async (id, format) => (record('exportChat', id, format), knownChat(id) ? ok({ text: format === 'md' ? '# Bob' : '{"messages":[]}' }) : noChat()),
    status: async () => (record('status'), ok(status)),
    sync: async (o) => (record('sync', ...(o ? [o] : [])), options.syncResult ?? ok({ topics: 2 })),
    addRelay: async (url) => {
      record('addRelay', url);
      if (!/^wss?:\/\/\S+$/.test(url)) return err('INVALID_ARGUMENT', `not a ws:// or wss:// relay URL: ${JSON.stringify(url)}`);
      if (relays.includes(url)) return err('INVALID_ARGUMENT', `${url} is already one of this account's relays`);
      relays.push(url);
      return ok(who());
    },
    removeRelay: async (url) => {
      record('removeRelay', url);
      if (!relays.includes(url)) return err('INVALID_ARGUMENT', `${JSON.stringify(url)} is not one of this account's relays`);
      if (relays.length === 1) return err('NOT_ALLOWED', "this is the account's only relay");
      relays.splice(relays.indexOf(url), 1);
      return ok(who());
    },
    on: () => () => {},
  };
  return core;
}

/** A backend whose cores are fake: for tests of sessions, the owner and main() without the real core. */
export function fakeBackend(cores: FakeCore[] = []): () => Promise<Result<CoreBackend, string>> {
  const accounts = new Set<string>();
  const backend: CoreBackend = {
    hasAccount: ({ home }) => accounts.has(home.dir),
    initAccount: async ({ home }) => (accounts.add(home.dir), ok({ accountId: FAKE_ACCOUNT, deviceId: FAKE_DEVICE })),
    createCore: async () => {
      const core = createFakeCore();
      cores.push(core);
      return ok(core);
    },
  };
  return async () => ok(backend);
}
