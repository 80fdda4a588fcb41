// View state shared by components: which dialog is open and which message to bring into view.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

export type DialogName = 'contacts' | 'profile' | 'settings';

export const useUiStore = defineStore('ui', () => {
  const dialog = shallowRef<DialogName | null>(null);
  /** A message the open chat should scroll to and highlight (a search hit); cleared once shown. */
  const focusMessage = shallowRef<{ chatId: string; messageId: string } | null>(null);

  function openDialog(name: DialogName): void {
    dialog.value = name;
  }

  function closeDialog(): void {
    dialog.value = null;
  }

  function showMessage(chatId: string, messageId: string): void {
    focusMessage.value = { chatId, messageId };
  }

  function messageShown(): void {
    focusMessage.value = null;
  }

  return { dialog, focusMessage, openDialog, closeDialog, showMessage, messageShown };
});
