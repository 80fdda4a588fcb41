// First run on a device: create an account (name and relay), or learn that linking comes with multi-device.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { WhoAmI } from '../../shared/core-api.js';
import { isRelayUrl } from '../../shared/invite.js';
import { coreAccess } from './core.js';
import { profileProblem } from './profile.js';
import { unexpectedError, userError, type UserError } from './errors.js';

export const DEFAULT_RELAY = 'ws://127.0.0.1:8787';

export type OnboardingStep = 'welcome' | 'create' | 'link';

export function relayProblem(url: string): string | null {
  if (url.trim() === '') return 'Enter a relay address.';
  if (!isRelayUrl(url.trim())) return 'A relay address looks like ws://host:port or wss://host.';
  return null;
}

export const useOnboardingStore = defineStore('onboarding', () => {
  const { onboarding } = coreAccess();
  const step = shallowRef<OnboardingStep>('welcome');
  const name = shallowRef('');
  const relay = shallowRef(DEFAULT_RELAY);
  const creating = shallowRef(false);
  const error = shallowRef<UserError | null>(null);

  function go(next: OnboardingStep): void {
    step.value = next;
    error.value = null;
  }

  /** The new account, or null with `error` set. */
  async function create(): Promise<WhoAmI | null> {
    const problem = profileProblem(name.value, '') ?? relayProblem(relay.value);
    if (problem !== null) {
      error.value = { code: 'INVALID_ARGUMENT', text: problem };
      return null;
    }
    creating.value = true;
    error.value = null;
    try {
      const r = await onboarding().createAccount({ name: name.value.trim(), relays: [relay.value.trim()] });
      if (!r.ok) {
        error.value = userError(r);
        return null;
      }
      return r.value;
    } catch (cause) {
      error.value = unexpectedError(cause);
      return null;
    } finally {
      creating.value = false;
    }
  }

  return { step, name, relay, creating, error, go, create };
});
