// What asks for the user's attention while the window is not focused: an OS notification per batch of new
// messages from others, and the unread badge (the sum over chats). Pure: main.ts supplies the platform parts.
import type { ChatView, CoreEvents, CoreResult } from '../../shared/core-api.js';

export type AppNotification = { title: string; body: string; chatId: string };

export type AttentionDeps = {
  focused(): boolean;
  notify(notification: AppNotification): void;
  setBadge(count: number): void;
  chats(): Promise<CoreResult<ChatView[]>>;
  now?: () => number;
};

/** Older messages (a backlog arriving after a long time offline) update the badge but do not notify. */
export const NOTIFY_MAX_AGE_MS = 10 * 60 * 1000;
const SEEN_LIMIT = 2048;
const BODY_CHARS = 140;

export type Attention = {
  /** Reads every chat's unread count once (after the core started). */
  load(): Promise<void>;
  onMessages(event: CoreEvents['messages']): void;
  onChat(chat: ChatView): void;
  onChatRemoved(event: CoreEvents['chatRemoved']): void;
  badge(): number;
};

export function createAttention(deps: AttentionDeps): Attention {
  const now = deps.now ?? Date.now;
  const unread = new Map<string, number>();
  const titles = new Map<string, string>();
  // Ids already notified (or seen), so an edit, a state change or a duplicate never notifies twice.
  const seen = new Set<string>();
  let shown = -1;

  const updateBadge = (): void => {
    let total = 0;
    for (const n of unread.values()) total += n;
    if (total !== shown) {
      shown = total;
      deps.setBadge(total);
    }
  };
  const remember = (id: string): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value!);
    return true;
  };
  const track = (chat: ChatView): void => {
    unread.set(chat.chatId, chat.unread);
    titles.set(chat.chatId, chat.title);
  };

  return {
    async load() {
      const list = await deps.chats();
      if (!list.ok) return;
      for (const chat of list.value) {
        track(chat);
        if (chat.lastMessage) seen.add(chat.lastMessage.id);
      }
      updateBadge();
    },
    onMessages({ chatId, messages }) {
      const fresh = messages.filter((m) => !m.mine && !m.deleted && m.editedAt === null && remember(m.id) && now() - m.sentAt <= NOTIFY_MAX_AGE_MS);
      if (fresh.length === 0 || deps.focused()) return;
      const last = fresh[fresh.length - 1]!;
      const text = last.text.replace(/\s+/g, ' ').trim();
      const body = fresh.length === 1 ? text : `${fresh.length} new messages — ${text}`;
      deps.notify({ title: titles.get(chatId) ?? 'New message', body: body.length > BODY_CHARS ? `${body.slice(0, BODY_CHARS - 1)}…` : body, chatId });
    },
    onChat(chat) {
      track(chat);
      updateBadge();
    },
    onChatRemoved({ chatId }) {
      unread.delete(chatId);
      titles.delete(chatId);
      updateBadge();
    },
    badge: () => Math.max(shown, 0),
  };
}
