// TEST ONLY: the fake core's in-memory state and the helpers its methods share (fake-core.ts assembles them).
import type { BackfillProgress, ChatSyncStatus, ChatView, ContactView, CoreEvents, CoreResult, CoreStatus, DeviceView, LinkRequestView, MessageView, WhoAmI } from '../../shared/core-api.js';
import { err } from '../../shared/result.js';

export const ME = 'a1'.repeat(32);
export const ME_DEVICE = 'd1'.repeat(32);

export type Listener = (payload: never) => void;
type ChatRecord = Omit<ChatView, 'unread' | 'lastMessage' | 'lastActivityAt'> & { createdAt: number; readUpTo: number };
export type NewChat = { chatId: string; with: string[]; title?: string; request?: boolean; createdAt?: number };

export type FakeState = ReturnType<typeof createFakeState>;

export function createFakeState(options: { hasAccount?: boolean; now?: () => number }) {
  const now = options.now ?? (() => 1_750_000_000_000);
  const calls: { method: string; args: unknown[] }[] = [];
  const me: WhoAmI = { accountId: ME, deviceId: ME_DEVICE, name: 'Ada Lovelace', status: '', relays: ['ws://127.0.0.1:8787'] };
  const status: CoreStatus = { relays: [{ url: 'ws://127.0.0.1:8787', connected: true, storeId: 'store-1', lastError: null }], outbox: 0, online: true };
  const link: LinkRequestView = { state: 'idle', code: null, sas: null, expiresAt: null, error: null };
  const backfill: BackfillProgress = { done: 0, total: 0, pendingDocs: 0, complete: true };
  const devices: DeviceView[] = [{ deviceId: ME_DEVICE, name: 'This laptop', lastSeen: now(), current: true }];
  // The fields the fake's methods replace (me, status, link, backfill, hasAccount, counters) live on this object.
  const s = {
    now,
    calls,
    listeners: new Map<keyof CoreEvents, Set<Listener>>(),
    contacts: new Map<string, ContactView>(),
    invites: new Map<string, string>(),
    chats: new Map<string, ChatRecord>(),
    histories: new Map<string, MessageView[]>(),
    failures: new Map<string, { code: string; message: string }>(),
    hasAccount: options.hasAccount ?? true,
    me,
    status,
    nextId: 1,
    clock: 0,
    link,
    backfill,
    chatSync: new Map<string, ChatSyncStatus>(),
    devices,
    approvals: new Map<string, { deviceId: string; name: string }>(),
  };

  const id = (bytes: number) => (s.nextId++).toString(16).padStart(bytes * 2, '0');
  const record = (method: string, args: unknown[]) => s.calls.push({ method, args });
  const failure = <T>(method: string): CoreResult<T> | null => {
    const f = s.failures.get(method);
    if (f === undefined) return null;
    s.failures.delete(method);
    return err(f.code as never, f.message);
  };
  const emit = <K extends keyof CoreEvents>(event: K, payload: CoreEvents[K]) => {
    for (const l of [...(s.listeners.get(event) ?? [])]) (l as (p: CoreEvents[K]) => void)(payload);
  };
  const history = (chatId: string) => s.histories.get(chatId) ?? [];
  const insert = (m: MessageView) => {
    const list = s.histories.get(m.chatId) ?? [];
    list.push(m);
    list.sort((a, b) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    s.histories.set(m.chatId, list);
  };
  const chatView = (chatId: string): ChatView => {
    const c = s.chats.get(chatId);
    if (c === undefined) throw new Error(`fake core: no chat ${chatId}`);
    const list = history(chatId);
    const last = list.at(-1) ?? null;
    const unread = list.filter((m) => !m.mine && m.sentAt > c.readUpTo).length;
    const { createdAt: _c, readUpTo: _r, ...view } = c;
    return { ...view, unread, lastMessage: last, lastActivityAt: Math.max(c.createdAt, last?.sentAt ?? 0) };
  };
  const noChat = () => err('UNKNOWN_CHAT' as const, 'no such chat');
  const nameOf = (account: string) => (account === ME ? s.me.name : (s.contacts.get(account)?.name ?? account.slice(0, 8)));
  const addChat = (o: NewChat) => {
    const members = [ME, ...o.with.filter((a) => a !== ME)];
    const title = o.title ?? (members.length === 2 ? nameOf(members[1]!) : members.slice(1).map(nameOf).join(', '));
    s.chats.set(o.chatId, { chatId: o.chatId, title, members, request: o.request ?? false, createdAt: o.createdAt ?? now(), readUpTo: 0 });
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

  return Object.assign(s, { id, record, failure, emit, history, insert, chatView, noChat, nameOf, addChat, message });
}
