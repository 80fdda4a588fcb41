// Message history per open chat: the newest page first, older pages on demand, live changes merged in order.
import { defineStore } from 'pinia';
import { shallowReactive } from 'vue';
import type { MessageView } from '../../shared/core-api.js';
import { MAX_MESSAGE_TEXT } from '../../shared/limits.js';
import { coreAccess } from './core.js';
import { unexpectedError, userError, type UserError } from './errors.js';

/** Messages fetched when a chat opens: enough to fill a tall window. */
export const FIRST_PAGE = 50;
/** Messages fetched per scroll towards older history. */
export const OLDER_PAGE = 100;
/** Bigger pages while walking back to a search hit. */
export const SEEK_PAGE = 500;

export type ChatHistory = {
  /** Oldest to newest, a contiguous run ending at the newest message. */
  readonly messages: readonly MessageView[];
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  readonly state: 'loading' | 'ready' | 'error';
  readonly error: UserError | null;
};

/** The core's order: sentAt, then id. */
export function compareMessages(a: MessageView, b: MessageView): number {
  return a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Index of `m`'s place in `list` (binary search): where it is, or where it would be inserted. */
function placeOf(list: readonly MessageView[], m: MessageView): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareMessages(list[mid]!, m) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Upserts changed or new messages into a sorted history. While older pages are still unloaded, a message
 * older than the first loaded one is left out: paging brings it in later, and inserting it would leave a gap.
 */
export function mergeMessages(list: readonly MessageView[], incoming: readonly MessageView[], hasOlder: boolean): MessageView[] {
  const out = list.slice();
  for (const m of incoming) {
    const at = placeOf(out, m);
    if (out[at]?.id === m.id) out[at] = m;
    else if (hasOlder && at === 0 && out.length > 0) continue;
    else out.splice(at, 0, m);
  }
  return out;
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

export const useHistoryStore = defineStore('history', () => {
  const { core } = coreAccess();
  const byChat = shallowReactive(new Map<string, ChatHistory>());
  // Live changes that arrive while a chat's first page is in flight, merged once it lands.
  const early = new Map<string, MessageView[]>();
  // First pages in flight, so a second open (a search hit opening the chat) waits for the same load.
  const opening = new Map<string, Promise<void>>();

  function get(chatId: string): ChatHistory | null {
    return byChat.get(chatId) ?? null;
  }

  function patch(chatId: string, change: Partial<ChatHistory>): void {
    const current = byChat.get(chatId);
    if (current !== undefined) byChat.set(chatId, { ...current, ...change });
  }

  /** Loads the newest page unless the chat is loaded (live events keep a loaded chat current). */
  function open(chatId: string): Promise<void> {
    const current = byChat.get(chatId);
    if (current !== undefined && current.state === 'loading') return opening.get(chatId) ?? Promise.resolve();
    if (current !== undefined && current.state !== 'error') return Promise.resolve();
    const load = loadFirstPage(chatId).finally(() => opening.delete(chatId));
    opening.set(chatId, load);
    return load;
  }

  async function loadFirstPage(chatId: string): Promise<void> {
    byChat.set(chatId, { messages: [], hasOlder: false, loadingOlder: false, state: 'loading', error: null });
    early.set(chatId, []);
    try {
      const r = await core().messages(chatId, { limit: FIRST_PAGE });
      const pending = early.get(chatId) ?? [];
      early.delete(chatId);
      if (!r.ok) return patch(chatId, { state: 'error', error: userError(r) });
      const hasOlder = r.value.length === FIRST_PAGE;
      patch(chatId, { messages: mergeMessages(r.value, pending, hasOlder), hasOlder, state: 'ready' });
    } catch (cause) {
      early.delete(chatId);
      patch(chatId, { state: 'error', error: unexpectedError(cause) });
    }
  }

  /** Prepends the next older page; false when there is nothing (more) to load right now. */
  async function loadOlder(chatId: string, limit = OLDER_PAGE): Promise<boolean> {
    const current = byChat.get(chatId);
    const first = current?.messages[0];
    if (current === undefined || current.state !== 'ready' || !current.hasOlder || current.loadingOlder || first === undefined) return false;
    patch(chatId, { loadingOlder: true });
    try {
      const r = await core().messages(chatId, { before: first.id, limit });
      if (!r.ok) {
        patch(chatId, { loadingOlder: false, error: userError(r) });
        return false;
      }
      // Live events may have changed the list meanwhile, so prepend to what is there now.
      const now = byChat.get(chatId);
      if (now === undefined) return false;
      const head = now.messages[0];
      const older = head === undefined ? r.value : r.value.filter((m) => compareMessages(m, head) < 0);
      patch(chatId, { messages: [...older, ...now.messages], hasOlder: r.value.length === limit, loadingOlder: false, error: null });
      return r.value.length > 0;
    } catch (cause) {
      patch(chatId, { loadingOlder: false, error: unexpectedError(cause) });
      return false;
    }
  }

  /** Pages back until `messageId` is loaded (to open a chat at a search hit); false if it never appears. */
  async function seek(chatId: string, messageId: string): Promise<boolean> {
    await open(chatId);
    for (;;) {
      const h = byChat.get(chatId);
      if (h === undefined || h.state !== 'ready') return false;
      if (h.messages.some((m) => m.id === messageId)) return true;
      if (!h.hasOlder || !(await loadOlder(chatId, SEEK_PAGE))) return false;
    }
  }

  /** Live 'messages' event: merged into a loaded chat, buffered for one that is loading, else ignored. */
  function apply(chatId: string, messages: readonly MessageView[]): void {
    const pending = early.get(chatId);
    if (pending !== undefined) {
      pending.push(...messages);
      return;
    }
    const current = byChat.get(chatId);
    if (current === undefined || current.state !== 'ready') return;
    byChat.set(chatId, { ...current, messages: mergeMessages(current.messages, messages, current.hasOlder) });
  }

  function forget(chatId: string): void {
    byChat.delete(chatId);
    early.delete(chatId);
    opening.delete(chatId);
  }

  /** Sends; the message itself appears through the core's 'messages' event. null on success. */
  async function send(chatId: string, text: string): Promise<UserError | null> {
    if (text.trim() === '') return null;
    if (utf8Length(text) > MAX_MESSAGE_TEXT) return { code: 'TOO_LARGE', text: `This message is too long (at most ${MAX_MESSAGE_TEXT / 1024} KB of text).` };
    try {
      const r = await core().send(chatId, text);
      return r.ok ? null : userError(r);
    } catch (cause) {
      return unexpectedError(cause);
    }
  }

  return { byChat, get, open, loadOlder, seek, apply, forget, send };
});
