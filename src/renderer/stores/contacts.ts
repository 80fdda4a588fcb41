// Contacts, this account's invite code, and adding a contact from a pasted invite.
import { defineStore } from 'pinia';
import { computed, shallowReactive, shallowRef } from 'vue';
import type { ContactView } from '../../shared/core-api.js';
import { coreAccess } from './core.js';
import { unexpectedError, userError, type UserError } from './errors.js';

export const useContactsStore = defineStore('contacts', () => {
  const { core } = coreAccess();
  const byId = shallowReactive(new Map<string, ContactView>());
  const inviteCode = shallowRef<string | null>(null);
  const inviteError = shallowRef<UserError | null>(null);
  const adding = shallowRef(false);
  const addError = shallowRef<UserError | null>(null);

  const sorted = computed(() => [...byId.values()].filter((c) => !c.blocked).sort((a, b) => a.name.localeCompare(b.name) || (a.accountId < b.accountId ? -1 : 1)));

  function upsert(contact: ContactView): void {
    byId.set(contact.accountId, contact);
  }

  /** A display name for any account id: the contact's name, else a short form of the id. */
  function nameOf(accountId: string): string {
    const name = byId.get(accountId)?.name ?? '';
    return name !== '' ? name : `${accountId.slice(0, 8)}…`;
  }

  /** The contact's picture as an img src, or null to show initials. */
  function avatarOf(accountId: string): string | null {
    return byId.get(accountId)?.avatar?.dataUrl ?? null;
  }

  async function load(): Promise<boolean> {
    const r = await core().contacts();
    if (!r.ok) return false;
    byId.clear();
    for (const c of r.value) upsert(c);
    return true;
  }

  async function loadInvite(): Promise<void> {
    const r = await core().invite();
    if (r.ok) {
      inviteCode.value = r.value.code;
      inviteError.value = null;
    } else inviteError.value = userError(r);
  }

  /** Adds the contact behind a pasted invite; null with `addError` set when the code is refused. */
  async function add(code: string): Promise<ContactView | null> {
    const trimmed = code.trim();
    addError.value = null;
    if (trimmed === '') {
      addError.value = { code: 'MALFORMED_INVITE', text: 'Paste an invite code first.' };
      return null;
    }
    if (trimmed === inviteCode.value) {
      addError.value = { code: 'INVALID_ARGUMENT', text: 'That is your own invite code. Send it to the person you want to add.' };
      return null;
    }
    adding.value = true;
    try {
      const r = await core().addContact(trimmed);
      if (!r.ok) {
        addError.value = userError(r);
        return null;
      }
      upsert(r.value);
      return r.value;
    } catch (cause) {
      addError.value = unexpectedError(cause);
      return null;
    } finally {
      adding.value = false;
    }
  }

  function clearAddError(): void {
    addError.value = null;
  }

  return { byId, inviteCode, inviteError, adding, addError, sorted, upsert, nameOf, avatarOf, load, loadInvite, add, clearAddError };
});
