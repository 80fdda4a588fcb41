// TEST ONLY: an in-memory CoreApi + OnboardingApi for the renderer's store tests (and throwaway UI harnesses).
// It keeps the real core's observable rules (paging order, Result codes, events after changes), not its internals.
// The state and shared helpers are in fake-core-state.ts, the API methods in fake-core-chats.ts and
// fake-core-account.ts; this file adds the test controls (seeding, live events, failures).
import type { BackfillProgress, ChatSyncStatus, ChatView, ContactView, CoreApi, CoreEvents, CoreStatus, LinkRequestView, MessageView, OnboardingApi } from '../../shared/core-api.js';
import type { err } from '../../shared/result.js';
import { fakeAccountMethods } from './fake-core-account.js';
import { fakeChatMethods } from './fake-core-chats.js';
import { createFakeState, ME, type Listener } from './fake-core-state.js';

export { ME, ME_DEVICE } from './fake-core-state.js';

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
  const s = createFakeState(options);
  const { now, chats, histories, history, message, chatView, emit } = s;

  const core: FakeCore = {
    calls: s.calls,
    emit,
    listenerCount: (event) => (event ? (s.listeners.get(event)?.size ?? 0) : [...s.listeners.values()].reduce((n, l) => n + l.size, 0)),
    seedContact(c, invite) {
      const contact: ContactView = { status: '', relays: ['ws://127.0.0.1:8787'], blocked: false, ...c };
      // With an invite the contact is only known to the "relays": addContact(invite) makes it a contact.
      if (invite === undefined) s.contacts.set(contact.accountId, contact);
      else s.invites.set(invite, JSON.stringify(contact));
      return contact;
    },
    seedChat: s.addChat,
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
      const m = message(chatId, text, author, sentAt ?? now() + ++s.clock);
      s.insert(m);
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
      s.status = next;
      emit('status', next);
    },
    chatView,
    advanceLink(next) {
      if ('sas' in next) s.link = { ...s.link, state: 'comparing', sas: next.sas };
      else if ('linked' in next) {
        s.hasAccount = true;
        s.link = { ...s.link, state: 'linked' };
      } else s.link = { ...s.link, state: 'failed', error: next.failed as LinkRequestView['error'] };
    },
    setBackfill(progress) {
      s.backfill = progress;
      emit('backfill', progress);
    },
    setChatSync(status) {
      s.chatSync.set(status.chatId, status);
    },
    failNext(method, code, message = `${method} failed`) {
      s.failures.set(method, { code, message });
    },

    ...fakeAccountMethods(s),
    ...fakeChatMethods(s),
    on(event, listener) {
      const set = s.listeners.get(event) ?? new Set<Listener>();
      s.listeners.set(event, set);
      set.add(listener as Listener);
      return () => void set.delete(listener as Listener);
    },
  };
  return core;
}
