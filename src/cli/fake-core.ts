// TEST ONLY: a small in-memory CoreApi for the CLI layer's unit tests (arguments, output, control socket).
// It is not a model of the real core; it records calls and answers with fixed, checkable values.
import type { ChatView, ContactView, CoreResult, CoreStatus, DeviceView, MessageView, WhoAmI } from '../shared/core-api.js';
import { err, ok, type Result } from '../shared/result.js';
import type { Core, CoreBackend } from './backend.js';

export const FAKE_ACCOUNT = 'a1'.repeat(32);
export const FAKE_DEVICE = 'd1'.repeat(32);
export const FAKE_CONTACT = 'b2'.repeat(32);
export const FAKE_CHAT = 'c3'.repeat(16);
export const FAKE_INVITE = 'cairn:fakeinvitecode';
export const FAKE_LINK_CODE = 'cairn-link:fakelinkcode';
export const FAKE_LINK_ID = 'e4'.repeat(16);
export const FAKE_NEW_DEVICE = 'd2'.repeat(32);
export const FAKE_SAS = '482 193';

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
  const devices: DeviceView[] = [{ deviceId: FAKE_DEVICE, name: 'Desktop', lastSeen: 1_700_000_000_000, current: true }];
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
    devices: async () => (record('devices'), ok(devices.map((d) => ({ ...d })))),
    approveLink: async (code, o) => {
      record('approveLink', code, ...(o ? [o] : []));
      if (code !== FAKE_LINK_CODE) return err('INVALID_ARGUMENT', 'the link code is mistyped');
      return ok({ linkId: FAKE_LINK_ID, sas: FAKE_SAS, deviceId: FAKE_NEW_DEVICE, name: 'Laptop' });
    },
    confirmLink: async (linkId, accept, o) => {
      record('confirmLink', linkId, accept, ...(o ? [o] : []));
      if (linkId !== FAKE_LINK_ID) return err('INVALID_ARGUMENT', 'no such link');
      if (!accept) return err('NOT_ALLOWED', 'the link was declined');
      if (!devices.some((d) => d.deviceId === FAKE_NEW_DEVICE)) devices.push({ deviceId: FAKE_NEW_DEVICE, name: 'Laptop', lastSeen: 1_700_000_000_500, current: false });
      return ok({ deviceId: FAKE_NEW_DEVICE, name: 'Laptop' });
    },
    backfillProgress: async () => (record('backfillProgress'), ok({ done: 3412, total: 10_000, pendingDocs: 2, complete: false })),
    revokeDevice: async (deviceId, o) => {
      record('revokeDevice', deviceId, ...(o ? [o] : []));
      if (deviceId === FAKE_DEVICE) return err('NOT_ALLOWED', 'this is the current device');
      const at = devices.findIndex((d) => d.deviceId === deviceId);
      if (at < 0) return err('INVALID_ARGUMENT', 'not a device of this account');
      devices.splice(at, 1);
      return ok({ deviceId });
    },
    chatSyncStatus: async (chatId) => {
      record('chatSyncStatus', chatId);
      if (!knownChat(chatId)) return noChat();
      return ok({ chatId, allInSync: true, devices: [{ deviceId: FAKE_DEVICE, account: FAKE_ACCOUNT, inSync: true, current: true, digestAt: 1_700_000_000_000 }] });
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
