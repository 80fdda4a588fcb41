// View state shared by components: which dialog is open and which message to bring into view.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';

export type DialogName = 'contacts' | 'profile' | 'settings';

export const useUiStore = defineStore('ui', () => {
  const dialog = shallowRef<DialogName | null>(null);
  /** A message the open chat should scroll to and highlight (a search hit); cleared once shown. */
  const focusMessage = shallowRef<{ chatId: string; messageId: string } | null>(null);
  /** An invite code from a cairn://invite link, waiting for the add-contact form to take it. */
  const inviteDraft = shallowRef<string | null>(null);

  function openDialog(name: DialogName): void {
    dialog.value = name;
  }

  function closeDialog(): void {
    dialog.value = null;
  }

  function openInvite(code: string): void {
    inviteDraft.value = code;
    dialog.value = 'contacts';
  }

  /** The add-contact form took the pending invite code. */
  function takeInvite(): string | null {
    const code = inviteDraft.value;
    inviteDraft.value = null;
    return code;
  }

  function showMessage(chatId: string, messageId: string): void {
    focusMessage.value = { chatId, messageId };
  }

  function messageShown(): void {
    focusMessage.value = null;
  }

  return { dialog, focusMessage, inviteDraft, openDialog, closeDialog, openInvite, takeInvite, showMessage, messageShown };
});
