// Unsent composer text per chat, kept while the user switches between chats.
import { defineStore } from 'pinia';
import { reactive } from 'vue';

export const useDraftsStore = defineStore('drafts', () => {
  const byChat = reactive(new Map<string, string>());

  function get(chatId: string): string {
    return byChat.get(chatId) ?? '';
  }

  function set(chatId: string, text: string): void {
    // Whitespace-only drafts are not worth keeping (nor marking the chat with a draft).
    if (text.trim() === '') byChat.delete(chatId);
    else byChat.set(chatId, text);
  }

  function clear(chatId: string): void {
    byChat.delete(chatId);
  }

  function has(chatId: string): boolean {
    return byChat.has(chatId);
  }

  return { byChat, get, set, clear, has };
});
