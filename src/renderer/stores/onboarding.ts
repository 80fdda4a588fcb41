// First run on a device: create an account (name and relay), or link this device to an existing account (the
// link code to show, then the SAS, polled from the host with refreshLink until the account arrived).
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { LinkRequestView, WhoAmI } from '../../shared/core-api.js';
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
  const deviceName = shallowRef('');
  /** The link request as the host last reported it; null before one was asked for. */
  const link = shallowRef<LinkRequestView | null>(null);
  const linking = shallowRef(false);

  function go(next: OnboardingStep): void {
    step.value = next;
    error.value = null;
  }

  /** Asks the host for a link code; false with `error` set when the relay or the name is refused. */
  async function requestLink(): Promise<boolean> {
    const problem = relayProblem(relay.value) ?? ([...deviceName.value.trim()].length > 64 ? 'A device name can be at most 64 characters.' : null);
    if (problem !== null) {
      error.value = { code: 'INVALID_ARGUMENT', text: problem };
      return false;
    }
    linking.value = true;
    error.value = null;
    try {
      const name = deviceName.value.trim();
      const r = await onboarding().requestLink({ relay: relay.value.trim(), ...(name === '' ? {} : { name }) });
      if (!r.ok) {
        error.value = userError(r);
        return false;
      }
      link.value = r.value;
      return true;
    } catch (cause) {
      error.value = unexpectedError(cause);
      return false;
    } finally {
      linking.value = false;
    }
  }

  /** One poll of the running link: true once this device holds the account (then enter the app). */
  async function refreshLink(): Promise<boolean> {
    try {
      const r = await onboarding().linkStatus();
      if (!r.ok) return false;
      link.value = r.value;
      if (r.value.state === 'failed' && r.value.error !== null) error.value = userError({ ok: false, code: r.value.error.code, message: r.value.error.message });
      return r.value.state === 'linked';
    } catch {
      // The bridge reports a lost connection itself; the next poll tries again.
      return false;
    }
  }

  /** Back to the form after a failed attempt. */
  function resetLink(): void {
    link.value = null;
    error.value = null;
  }

  /** Stops the running request on the host (its code stops working); true when the account arrived anyway. */
  async function cancelLink(): Promise<boolean> {
    try {
      const r = await onboarding().cancelLink();
      const linked = r.ok && r.value.state === 'linked';
      if (!linked) resetLink();
      else link.value = r.value;
      return linked;
    } catch (cause) {
      error.value = unexpectedError(cause);
      return false;
    }
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

  return { step, name, relay, creating, error, deviceName, link, linking, go, create, requestLink, refreshLink, resetLink, cancelLink };
});
