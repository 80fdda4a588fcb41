// TEST ONLY: an in-memory CoreApi + OnboardingApi for the renderer's store tests (and throwaway UI harnesses).
// It keeps the real core's observable rules (paging order, Result codes, events after changes), not its internals.
import type {
  BackfillProgress,
  ChatSyncStatus,
  DeviceView,
  LinkRequestView,
  ChatView,
  ContactView,
  CoreApi,
  CoreEvents,
  CoreResult,
  CoreStatus,
  MessageView,
  OnboardingApi,
  SearchHit,
  WhoAmI,
} from '../../shared/core-api.js';
import { err, ok } from '../../shared/result.js';

export const ME = 'a1'.repeat(32);
export const ME_DEVICE = 'd1'.repeat(32);

type Listener = (payload: never) => void;
type ChatRecord = Omit<ChatView, 'unread' | 'lastMessage' | 'lastActivityAt'> & { createdAt: number; readUpTo: number };

export type FakeCore = CoreApi &
  OnboardingApi & {
    /** Every call, in order, with its arguments. */
    calls: { method: string; args: unknown[] }[];
    emit<K extends keyof CoreEvents>(event: K, payload: CoreEvents[K]): void;
    listenerCount(event?: keyof CoreEvents): number;
    /** A contact the fake knows; `invite` is the code that adds it. */
    seedContact(contact: Partial<ContactView> & { accountId: string; name: string }, invite?: string): ContactView;
    seedChat(options: { chatId: string; with: string[]; title?: string; request?: boolean; createdAt?: number }): ChatView;
    /** Messages from `author` (or alternating with me) at `start` + i * `stepMs`; emits nothing. */
    seedMessages(chatId: string, count: number, options?: { start?: number; stepMs?: number; author?: string; text?: (i: number) => string }): MessageView[];
    /** A message from someone else arriving live: stored, then 'messages' and 'chat' events. */
    receive(chatId: string, text: string, author: string, sentAt?: number): MessageView;
    setMessageState(chatId: string, messageId: string, state: 'queued' | 'sent' | 'delivered'): void;
    setStatus(status: CoreStatus): void;
    chatView(chatId: string): ChatView;
    /** Onboarding's link request moves on: the SAS shows, then the account arrives (hasAccount turns true). */
    advanceLink(next: { sas: string } | { linked: true } | { failed: { code: string; message: string } }): void;
    setBackfill(progress: BackfillProgress): void;
    setChatSync(status: ChatSyncStatus): void;
    /** Makes the next call of `method` answer this failure instead. */
    failNext(method: keyof CoreApi | keyof OnboardingApi, code: Parameters<typeof err>[0] & string, message?: string): void;
  };

export function createFakeCore(options: { hasAccount?: boolean; now?: () => number } = {}): FakeCore {
  const now = options.now ?? (() => 1_750_000_000_000);
  const calls: FakeCore['calls'] = [];
  const listeners = new Map<keyof CoreEvents, Set<Listener>>();
  const contacts = new Map<string, ContactView>();
  const invites = new Map<string, string>();
  const chats = new Map<string, ChatRecord>();
  const histories = new Map<string, MessageView[]>();
  const failures = new Map<string, { code: string; message: string }>();
  let hasAccount = options.hasAccount ?? true;
  let me: WhoAmI = { accountId: ME, deviceId: ME_DEVICE, name: 'Ada Lovelace', status: '', relays: ['ws://127.0.0.1:8787'] };
  let status: CoreStatus = { relays: [{ url: 'ws://127.0.0.1:8787', connected: true, storeId: 'store-1', lastError: null }], outbox: 0, online: true };
  let nextId = 1;
  let clock = 0;
  let link: LinkRequestView = { state: 'idle', code: null, sas: null, expiresAt: null, error: null };
  let backfill: BackfillProgress = { done: 0, total: 0, pendingDocs: 0, complete: true };
  const chatSync = new Map<string, ChatSyncStatus>();
  const devices: DeviceView[] = [{ deviceId: ME_DEVICE, name: 'This laptop', lastSeen: now(), current: true }];
  const approvals = new Map<string, { deviceId: string; name: string }>();

  const id = (bytes: number) => (nextId++).toString(16).padStart(bytes * 2, '0');
  const record = (method: string, args: unknown[]) => calls.push({ method, args });
  const failure = <T>(method: string): CoreResult<T> | null => {
    const f = failures.get(method);
    if (f === undefined) return null;
    failures.delete(method);
    return err(f.code as never, f.message);
  };
  const emit = <K extends keyof CoreEvents>(event: K, payload: CoreEvents[K]) => {
    for (const l of [...(listeners.get(event) ?? [])]) (l as (p: CoreEvents[K]) => void)(payload);
  };
  const history = (chatId: string) => histories.get(chatId) ?? [];
  const insert = (m: MessageView) => {
    const list = histories.get(m.chatId) ?? [];
    list.push(m);
    list.sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    histories.set(m.chatId, list);
  };
  const chatView = (chatId: string): ChatView => {
    const c = chats.get(chatId);
    if (c === undefined) throw new Error(`fake core: no chat ${chatId}`);
    const list = history(chatId);
    const last = list.at(-1) ?? null;
    const unread = list.filter((m) => !m.mine && m.sentAt > c.readUpTo).length;
    const { createdAt: _c, readUpTo: _r, ...view } = c;
    return { ...view, unread, lastMessage: last, lastActivityAt: Math.max(c.createdAt, last?.sentAt ?? 0) };
  };
  const noChat = () => err('UNKNOWN_CHAT' as const, 'no such chat');
  const nameOf = (account: string) => (account === ME ? me.name : (contacts.get(account)?.name ?? account.slice(0, 8)));
  const addChat = (o: { chatId: string; with: string[]; title?: string; request?: boolean; createdAt?: number }) => {
    const members = [ME, ...o.with.filter((a) => a !== ME)];
    const title = o.title ?? (members.length === 2 ? nameOf(members[1]!) : members.slice(1).map(nameOf).join(', '));
    chats.set(o.chatId, { chatId: o.chatId, title, members, request: o.request ?? false, createdAt: o.createdAt ?? now(), readUpTo: 0 });
    return chatView(o.chatId);
  };
  const message = (chatId: string, text: string, author: string, sentAt: number): MessageView => ({
    id: id(16),
    chatId,
    author,
    device: author === ME ? ME_DEVICE : author,
    text,
    sentAt,
    replyTo: null,
    editedAt: null,
    deleted: false,
    state: author === ME ? 'queued' : null,
    mine: author === ME,
  });

  const core: FakeCore = {
    calls,
    emit,
    listenerCount: (event) => (event ? (listeners.get(event)?.size ?? 0) : [...listeners.values()].reduce((n, s) => n + s.size, 0)),
    seedContact(c, invite) {
      const contact: ContactView = { status: '', relays: ['ws://127.0.0.1:8787'], blocked: false, ...c };
      // With an invite the contact is only known to the "relays": addContact(invite) makes it a contact.
      if (invite === undefined) contacts.set(contact.accountId, contact);
      else invites.set(invite, JSON.stringify(contact));
      return contact;
    },
    seedChat: addChat,
    seedMessages(chatId, count, o = {}) {
      const start = o.start ?? now() - count * (o.stepMs ?? 60_000);
      const out: MessageView[] = [];
      const other = chats.get(chatId)?.members.find((a) => a !== ME) ?? 'b2'.repeat(32);
      for (let i = 0; i < count; i++) {
        const author = o.author ?? (i % 3 === 2 ? ME : other);
        const m = { ...message(chatId, o.text?.(i) ?? `message ${i}`, author, start + i * (o.stepMs ?? 60_000)), state: author === ME ? ('delivered' as const) : null };
        out.push(m);
      }
      histories.set(chatId, [...history(chatId), ...out].sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : 1)));
      return out;
    },
    receive(chatId, text, author, sentAt) {
      const m = message(chatId, text, author, sentAt ?? now() + ++clock);
      insert(m);
      emit('messages', { chatId, messages: [m] });
      emit('chat', chatView(chatId));
      return m;
    },
    setMessageState(chatId, messageId, state) {
      const list = history(chatId);
      const i = list.findIndex((m) => m.id === messageId);
      if (i < 0) throw new Error(`fake core: no message ${messageId}`);
      list[i] = { ...list[i]!, state };
      emit('messages', { chatId, messages: [list[i]!] });
    },
    setStatus(next) {
      status = next;
      emit('status', next);
    },
    chatView,
    advanceLink(next) {
      if ('sas' in next) link = { ...link, state: 'comparing', sas: next.sas };
      else if ('linked' in next) {
        hasAccount = true;
        link = { ...link, state: 'linked' };
      } else link = { ...link, state: 'failed', error: next.failed as LinkRequestView['error'] };
    },
    setBackfill(progress) {
      backfill = progress;
      emit('backfill', progress);
    },
    setChatSync(status) {
      chatSync.set(status.chatId, status);
    },
    failNext(method, code, message = `${method} failed`) {
      failures.set(method, { code, message });
    },

    async hasAccount() {
      record('hasAccount', []);
      return hasAccount;
    },
    async createAccount(o) {
      record('createAccount', [o]);
      const f = failure<WhoAmI>('createAccount');
      if (f) return f;
      if (hasAccount) return err('NOT_ALLOWED', 'this device has an account');
      hasAccount = true;
      me = { ...me, name: o.name, relays: [...o.relays] };
      return ok({ ...me });
    },
    async requestLink(o) {
      record('requestLink', [o]);
      const f = failure<LinkRequestView>('requestLink');
      if (f) return f;
      if (hasAccount) return err('NOT_ALLOWED', 'this device already has an account');
      if (link.state !== 'waiting' && link.state !== 'comparing') link = { state: 'waiting', code: `cairn-link:${'q'.repeat(40)}`, sas: null, expiresAt: now() + 600_000, error: null };
      return ok({ ...link });
    },
    async linkStatus() {
      record('linkStatus', []);
      return ok({ ...link });
    },
    async cancelLink() {
      record('cancelLink', []);
      if (link.state === 'waiting' || link.state === 'comparing') link = { state: 'idle', code: null, sas: null, expiresAt: null, error: null };
      return ok({ ...link });
    },
    async devices() {
      record('devices', []);
      return failure<DeviceView[]>('devices') ?? ok(devices.map((d) => ({ ...d })));
    },
    async approveLink(code, o) {
      record('approveLink', [code, ...(o ? [o] : [])]);
      const f = failure<{ linkId: string; sas: string; deviceId: string; name: string }>('approveLink');
      if (f) return f;
      if (!code.trim().startsWith('cairn-link:')) return err('INVALID_ARGUMENT', 'the link code is mistyped');
      const linkId = id(16);
      const device = { deviceId: id(32), name: 'New laptop' };
      approvals.set(linkId, device);
      return ok({ linkId, sas: '482 193', ...device });
    },
    async confirmLink(linkId, accept, o) {
      record('confirmLink', [linkId, accept, ...(o ? [o] : [])]);
      const f = failure<{ deviceId: string; name: string }>('confirmLink');
      if (f) return f;
      const device = approvals.get(linkId);
      approvals.delete(linkId);
      if (device === undefined) return err('INVALID_ARGUMENT', 'no such link');
      if (!accept) return err('NOT_ALLOWED', 'the link was declined');
      devices.push({ ...device, lastSeen: now(), current: false });
      return ok({ ...device });
    },
    async backfillProgress() {
      record('backfillProgress', []);
      return ok({ ...backfill });
    },
    async revokeDevice(deviceId, o) {
      record('revokeDevice', [deviceId, ...(o ? [o] : [])]);
      const f = failure<{ deviceId: string }>('revokeDevice');
      if (f) return f;
      const at = devices.findIndex((d) => d.deviceId === deviceId);
      if (at < 0) return err('INVALID_ARGUMENT', 'not a device of this account');
      if (devices[at]!.current) return err('NOT_ALLOWED', 'this device cannot revoke itself');
      devices.splice(at, 1);
      return ok({ deviceId });
    },
    async chatSyncStatus(chatId) {
      record('chatSyncStatus', [chatId]);
      const f = failure<ChatSyncStatus>('chatSyncStatus');
      if (f) return f;
      if (!chats.has(chatId)) return noChat();
      return ok(chatSync.get(chatId) ?? { chatId, allInSync: true, devices: [{ deviceId: ME_DEVICE, account: ME, inSync: true, current: true, digestAt: now() }] });
    },
    async whoami() {
      record('whoami', []);
      return failure<WhoAmI>('whoami') ?? ok({ ...me, relays: [...me.relays] });
    },
    async invite() {
      record('invite', []);
      return failure<{ code: string }>('invite') ?? ok({ code: `cairn:${'ab'.repeat(50)}` });
    },
    async setProfile(p) {
      record('setProfile', [p]);
      const f = failure<WhoAmI>('setProfile');
      if (f) return f;
      me = { ...me, name: p.name ?? me.name, status: p.status ?? me.status };
      if (p.avatar !== undefined) me.avatar = p.avatar === null ? null : { mime: p.avatar.mime, dataUrl: `data:${p.avatar.mime};base64,${btoa(String.fromCharCode(...p.avatar.bytes))}` };
      return ok({ ...me });
    },
    async addContact(code) {
      record('addContact', [code]);
      const f = failure<ContactView>('addContact');
      if (f) return f;
      const known = invites.get(code.trim());
      if (known !== undefined) {
        const contact = JSON.parse(known) as ContactView;
        contacts.set(contact.accountId, contact);
        emit('contact', contact);
        return ok(contact);
      }
      return code.trim().startsWith('cairn:') ? err('UNKNOWN_ACCOUNT', 'no relay of the invite knows this account') : err('MALFORMED_INVITE', 'not a Cairn invite code');
    },
    async contacts() {
      record('contacts', []);
      return failure<ContactView[]>('contacts') ?? ok([...contacts.values()]);
    },
    async createChat(o) {
      record('createChat', [o]);
      const f = failure<{ chatId: string }>('createChat');
      if (f) return f;
      if (o.with.length === 0 || o.with.some((a) => !contacts.has(a))) return err('UNKNOWN_CONTACT', 'not a contact');
      const chatId = id(16);
      emit('chat', addChat({ chatId, with: o.with, ...(o.title ? { title: o.title } : {}) }));
      return ok({ chatId });
    },
    async chats() {
      record('chats', []);
      return failure<ChatView[]>('chats') ?? ok([...chats.keys()].map(chatView));
    },
    async acceptRequest(chatId) {
      record('acceptRequest', [chatId]);
      const c = chats.get(chatId);
      if (c === undefined) return noChat();
      c.request = false;
      emit('chat', chatView(chatId));
      return ok(chatView(chatId));
    },
    async blockRequest(chatId) {
      record('blockRequest', [chatId]);
      if (!chats.delete(chatId)) return noChat();
      emit('chatRemoved', { chatId });
      return ok({ chatId });
    },
    async send(chatId, text, o) {
      record('send', [chatId, text, ...(o ? [o] : [])]);
      const f = failure<{ messageId: string }>('send');
      if (f) return f;
      if (!chats.has(chatId)) return noChat();
      const m = message(chatId, text, ME, Math.max(now() + ++clock, (history(chatId).at(-1)?.sentAt ?? 0) + 1));
      insert(m);
      emit('messages', { chatId, messages: [m] });
      emit('chat', chatView(chatId));
      return ok({ messageId: m.id });
    },
    async editMessage(chatId, messageId, text) {
      record('editMessage', [chatId, messageId, text]);
      const m = history(chatId).find((x) => x.id === messageId);
      if (m === undefined) return err('UNKNOWN_MESSAGE', 'no such message');
      if (!m.mine) return err('NOT_ALLOWED', 'not your message');
      Object.assign(m, { text, editedAt: now() });
      emit('messages', { chatId, messages: [{ ...m }] });
      return ok({ ...m });
    },
    async deleteMessage(chatId, messageId) {
      record('deleteMessage', [chatId, messageId]);
      const m = history(chatId).find((x) => x.id === messageId);
      if (m === undefined) return err('UNKNOWN_MESSAGE', 'no such message');
      if (!m.mine) return err('NOT_ALLOWED', 'not your message');
      Object.assign(m, { text: '', deleted: true });
      emit('messages', { chatId, messages: [{ ...m }] });
      return ok({ ...m });
    },
    async messages(chatId, o) {
      record('messages', [chatId, ...(o ? [o] : [])]);
      const f = failure<MessageView[]>('messages');
      if (f) return f;
      if (!chats.has(chatId)) return noChat();
      const list = history(chatId);
      const end = o?.before === undefined ? list.length : list.findIndex((m) => m.id === o.before);
      if (end < 0) return err('UNKNOWN_MESSAGE', 'no such message');
      const limit = o?.limit ?? 50;
      return ok(list.slice(Math.max(0, end - limit), end).map((m) => ({ ...m })));
    },
    async markRead(chatId, messageId) {
      record('markRead', [chatId, messageId]);
      const c = chats.get(chatId);
      const m = history(chatId).find((x) => x.id === messageId);
      if (c === undefined) return noChat();
      if (m === undefined) return err('UNKNOWN_MESSAGE', 'no such message');
      c.readUpTo = Math.max(c.readUpTo, m.sentAt);
      const view = chatView(chatId);
      emit('chat', view);
      return ok({ unread: view.unread });
    },
    async search(query, o) {
      record('search', [query, ...(o ? [o] : [])]);
      const f = failure<SearchHit[]>('search');
      if (f) return f;
      const words = query.toLowerCase().split(/\s+/u).filter((w) => w.length > 0);
      const hits: SearchHit[] = [];
      for (const [chatId, list] of histories) {
        if (!chats.has(chatId) || (o?.chatId !== undefined && o.chatId !== chatId)) continue;
        for (const m of list) {
          if (words.length > 0 && words.every((w) => m.text.toLowerCase().includes(w))) hits.push({ message: { ...m }, chatTitle: chatView(chatId).title, snippet: m.text });
        }
      }
      return ok(hits.sort((a, b) => b.message.sentAt - a.message.sentAt).slice(0, o?.limit ?? 50));
    },
    async exportChat(chatId, format) {
      record('exportChat', [chatId, format]);
      if (!chats.has(chatId)) return noChat();
      const list = history(chatId);
      const text = format === 'json' ? JSON.stringify({ chatId, messages: list }) : `# ${chatView(chatId).title}\n\n${list.map((m) => `- ${nameOf(m.author)}: ${m.text}`).join('\n')}\n`;
      return ok({ text });
    },
    async status() {
      record('status', []);
      return failure<CoreStatus>('status') ?? ok(structuredClone(status));
    },
    async sync() {
      record('sync', []);
      return ok({ topics: chats.size });
    },
    async addRelay(url) {
      record('addRelay', [url]);
      const f = failure<WhoAmI>('addRelay');
      if (f) return f;
      if (!/^wss?:\/\/[^\s/]+/.test(url)) return err('INVALID_ARGUMENT', `not a ws:// or wss:// relay URL: ${JSON.stringify(url)}`);
      if (me.relays.includes(url)) return err('INVALID_ARGUMENT', `${url} is already one of this account's relays`);
      me = { ...me, relays: [...me.relays, url] };
      status = { ...status, relays: [...status.relays, { url, connected: true, storeId: `store-${me.relays.length}`, lastError: null }] };
      emit('status', structuredClone(status));
      return ok({ ...me, relays: [...me.relays] });
    },
    async removeRelay(url) {
      record('removeRelay', [url]);
      const f = failure<WhoAmI>('removeRelay');
      if (f) return f;
      if (!me.relays.includes(url)) return err('INVALID_ARGUMENT', `${JSON.stringify(url)} is not one of this account's relays`);
      if (me.relays.length === 1) return err('NOT_ALLOWED', "this is the account's only relay: add another one before removing it");
      me = { ...me, relays: me.relays.filter((r) => r !== url) };
      status = { ...status, relays: status.relays.filter((r) => r.url !== url) };
      emit('status', structuredClone(status));
      return ok({ ...me, relays: [...me.relays] });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(listener as Listener);
      return () => void set.delete(listener as Listener);
    },
  };
  return core;
}
