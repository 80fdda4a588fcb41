// The chat list: every chat by id, sorted by last activity, which one is open, message requests.
import { defineStore } from 'pinia';
import { computed, shallowReactive, shallowRef } from 'vue';
import type { ChatView } from '../../shared/core-api.js';
import { coreAccess } from './core.js';
import { unexpectedError, userError, type UserError } from './errors.js';

/** Newest activity first; ties broken by id so the order is stable. */
export function byActivity(a: ChatView, b: ChatView): number {
  return b.lastActivityAt - a.lastActivityAt || (a.chatId < b.chatId ? -1 : a.chatId > b.chatId ? 1 : 0);
}

export const useChatsStore = defineStore('chats', () => {
  const { core } = coreAccess();
  const byId = shallowReactive(new Map<string, ChatView>());
  const selectedId = shallowRef<string | null>(null);
  const loaded = shallowRef(false);
  const error = shallowRef<UserError | null>(null);

  const sorted = computed(() => [...byId.values()].sort(byActivity));
  const selected = computed(() => (selectedId.value === null ? null : (byId.get(selectedId.value) ?? null)));
  const totalUnread = computed(() => sorted.value.reduce((n, c) => n + (c.request ? 0 : c.unread), 0));
  const requests = computed(() => sorted.value.filter((c) => c.request).length);

  function upsert(chat: ChatView): void {
    byId.set(chat.chatId, chat);
  }

  function remove(chatId: string): void {
    byId.delete(chatId);
    if (selectedId.value === chatId) selectedId.value = null;
  }

  async function load(): Promise<boolean> {
    const r = await core().chats();
    if (!r.ok) {
      error.value = userError(r);
      return false;
    }
    byId.clear();
    for (const chat of r.value) upsert(chat);
    loaded.value = true;
    return true;
  }

  function select(chatId: string | null): void {
    selectedId.value = chatId !== null && byId.has(chatId) ? chatId : null;
  }

  /** Runs a core call that answers with a chat or an error, recording the error for the UI. */
  async function attempt<T>(call: () => Promise<{ ok: true; value: T } | Parameters<typeof userError>[0]>): Promise<T | null> {
    error.value = null;
    try {
      const r = await call();
      if (!r.ok) {
        error.value = userError(r);
        return null;
      }
      return r.value;
    } catch (cause) {
      error.value = unexpectedError(cause);
      return null;
    }
  }

  async function accept(chatId: string): Promise<boolean> {
    const chat = await attempt(() => core().acceptRequest(chatId));
    if (chat !== null) upsert(chat);
    return chat !== null;
  }

  async function block(chatId: string): Promise<boolean> {
    const done = await attempt(() => core().blockRequest(chatId));
    if (done !== null) remove(chatId);
    return done !== null;
  }

  /** Creates a chat with these contacts and opens it; null (and `error`) when the core refuses. */
  async function create(members: string[], title?: string): Promise<string | null> {
    const trimmed = title?.trim() ?? '';
    const created = await attempt(() => core().createChat({ with: members, ...(trimmed === '' ? {} : { title: trimmed }) }));
    if (created === null) return null;
    // The 'chat' event usually arrives first; fetching covers a bridge that delivers it later.
    if (!byId.has(created.chatId)) await load();
    select(created.chatId);
    return created.chatId;
  }

  /** Marks the chat read up to this message; the unread count shows 0 at once and the core's answer confirms it. */
  async function markRead(chatId: string, messageId: string): Promise<void> {
    const chat = byId.get(chatId);
    if (chat === undefined || chat.unread === 0) return;
    upsert({ ...chat, unread: 0 });
    const r = await core().markRead(chatId, messageId);
    const now = byId.get(chatId);
    if (r.ok && now !== undefined && now.unread !== r.value.unread) upsert({ ...now, unread: r.value.unread });
  }

  return { byId, selectedId, loaded, error, sorted, selected, totalUnread, requests, upsert, remove, load, select, accept, block, create, markRead };
});
