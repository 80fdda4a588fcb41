// Live updates: the core's events patched into the stores, so lists and history change without refetching.
import type { CoreApi, Unsubscribe } from '../../shared/core-api.js';
import { useChatsStore } from './chats.js';
import { useContactsStore } from './contacts.js';
import { useHistoryStore } from './history.js';
import { useStatusStore } from './status.js';
import { useSyncStore } from './sync.js';

/** Subscribes the active Pinia's stores to every CoreApi event; the returned function unsubscribes all. */
export function subscribeLive(api: CoreApi): Unsubscribe {
  const chats = useChatsStore();
  const history = useHistoryStore();
  const contacts = useContactsStore();
  const status = useStatusStore();
  const sync = useSyncStore();
  const offs = [
    api.on('messages', ({ chatId, messages }) => history.apply(chatId, messages)),
    api.on('chat', (chat) => chats.upsert(chat)),
    api.on('chatRemoved', ({ chatId }) => {
      chats.remove(chatId);
      history.forget(chatId);
    }),
    api.on('contact', (contact) => contacts.upsert(contact)),
    api.on('status', (next) => status.apply(next)),
    api.on('backfill', (p) => sync.applyBackfill(p)),
    api.on('chatSync', (s) => sync.applyChat(s)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
