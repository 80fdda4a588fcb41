// Connection state for the indicator and the offline banner: relays online, messages waiting in the outbox, and
// whether another device of the account revoked this one.
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { CoreStatus } from '../../shared/core-api.js';
import { coreAccess } from './core.js';

export const useStatusStore = defineStore('status', () => {
  const { core } = coreAccess();
  const status = shallowRef<CoreStatus | null>(null);

  const relaysOnline = computed(() => status.value?.relays.filter((r) => r.connected).length ?? 0);
  const relaysTotal = computed(() => status.value?.relays.length ?? 0);
  const pending = computed(() => status.value?.outbox ?? 0);
  /** Another device of the account removed this one: it no longer syncs, so being offline says nothing more. */
  const revoked = computed(() => status.value?.revoked === true);
  /** Known to be offline: before the first status nothing is claimed, so no banner flashes at start. */
  const offline = computed(() => status.value !== null && !status.value.online && !revoked.value);
  const summary = computed(() => {
    if (status.value === null) return 'Connecting…';
    if (revoked.value) return 'Removed from your account';
    const relays = `${relaysOnline.value} of ${relaysTotal.value} ${relaysTotal.value === 1 ? 'relay' : 'relays'} online`;
    return pending.value > 0 ? `${relays}, ${pending.value} pending` : relays;
  });

  function apply(next: CoreStatus): void {
    status.value = next;
  }

  async function load(): Promise<void> {
    const r = await core().status();
    if (r.ok) apply(r.value);
  }

  return { status, relaysOnline, relaysTotal, pending, revoked, offline, summary, apply, load };
});
