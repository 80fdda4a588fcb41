// Settings → Relays: adding and removing this account's relays. The list itself is WhoAmI.relays (profile
// store); a change also changes the invite code, which is reloaded.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { CoreResult, WhoAmI } from '../../shared/core-api.js';
import { useContactsStore } from './contacts.js';
import { coreAccess } from './core.js';
import { unexpectedError, userError, type UserError } from './errors.js';
import { relayProblem } from './onboarding.js';
import { useProfileStore } from './profile.js';

export const useRelaysStore = defineStore('relays', () => {
  const { core } = coreAccess();
  const profile = useProfileStore();
  const contacts = useContactsStore();
  const adding = shallowRef(false);
  /** The relay being removed, if any. */
  const removing = shallowRef<string | null>(null);
  const error = shallowRef<UserError | null>(null);

  async function apply(run: () => Promise<CoreResult<WhoAmI>>): Promise<boolean> {
    try {
      const r = await run();
      if (!r.ok) {
        error.value = userError(r);
        return false;
      }
      profile.apply(r.value);
      await contacts.loadInvite();
      return true;
    } catch (cause) {
      error.value = unexpectedError(cause);
      return false;
    }
  }

  /** Adds a relay; false with `error` set when the address is refused or the relay does not answer. */
  async function add(url: string): Promise<boolean> {
    const trimmed = url.trim();
    const problem = relayProblem(trimmed) ?? ((profile.me?.relays ?? []).includes(trimmed) ? 'That relay is already in the list.' : null);
    if (problem !== null) {
      error.value = { code: 'INVALID_ARGUMENT', text: problem };
      return false;
    }
    adding.value = true;
    error.value = null;
    try {
      return await apply(() => core().addRelay(trimmed));
    } finally {
      adding.value = false;
    }
  }

  /** Removes a relay; the last one cannot be removed. */
  async function remove(url: string): Promise<boolean> {
    if ((profile.me?.relays ?? []).length <= 1) {
      error.value = { code: 'NOT_ALLOWED', text: 'This is your only relay. Add another one before removing it.' };
      return false;
    }
    removing.value = url;
    error.value = null;
    try {
      return await apply(() => core().removeRelay(url));
    } finally {
      removing.value = null;
    }
  }

  function clearError(): void {
    error.value = null;
  }

  return { adding, removing, error, add, remove, clearError };
});
