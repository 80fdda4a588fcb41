// History and convergence as the UI shows them: a linked device's first backfill ("Syncing history: 3,412 /
// 10,000") and, per chat, whether every device of every member is in sync (or which one is behind).
import { defineStore } from 'pinia';
import { shallowReactive, shallowRef } from 'vue';
import type { BackfillProgress, ChatSyncStatus } from '../../shared/core-api.js';
import { coreAccess } from './core.js';

const count = (n: number) => n.toLocaleString('en-US');

/** "Syncing history: 3,412 / 10,000" while the first backfill runs; null once it is complete. */
export function backfillText(p: BackfillProgress | null): string | null {
  if (p === null || p.complete) return null;
  if (p.total === 0) return 'Syncing history from your other devices…';
  return `Syncing history: ${count(Math.min(p.done, p.total))} / ${count(p.total)}`;
}

/** Names a device for the chat header: own devices by their name, others' as "Bob's device". */
export type DeviceNamer = (deviceId: string, account: string) => string;

/**
 * "All 3 devices in sync", "Syncing: Laptop is behind", or null when nothing is known yet. A differing digest
 * does not say which side lags; while this device is still backfilling (`catchingUp`), it is this one.
 */
export function chatSyncText(s: ChatSyncStatus | null | undefined, name: DeviceNamer, catchingUp = false): string | null {
  if (s === null || s === undefined || s.devices.length === 0) return null;
  const n = s.devices.length;
  if (s.allInSync) return n === 1 ? 'This device is the only one in this chat' : `All ${n} devices in sync`;
  if (catchingUp) return 'Syncing: this device is catching up';
  const behind = s.devices.filter((d) => d.inSync === false);
  if (behind.length > 0) {
    const first = name(behind[0]!.deviceId, behind[0]!.account);
    return behind.length === 1 ? `Syncing: ${first} is behind` : `Syncing: ${first} and ${behind.length - 1} more are behind`;
  }
  const unknown = s.devices.filter((d) => d.inSync === null && !d.current).length;
  return `Checking sync with ${unknown} ${unknown === 1 ? 'device' : 'devices'}…`;
}

export const useSyncStore = defineStore('sync', () => {
  const { core } = coreAccess();
  const backfill = shallowRef<BackfillProgress | null>(null);
  const chats = shallowReactive(new Map<string, ChatSyncStatus>());

  function applyBackfill(p: BackfillProgress): void {
    backfill.value = p;
  }

  async function loadBackfill(): Promise<void> {
    try {
      const r = await core().backfillProgress();
      if (r.ok) applyBackfill(r.value);
    } catch {
      // Progress is informative only: the event brings the next value.
    }
  }

  function applyChat(s: ChatSyncStatus): void {
    chats.set(s.chatId, s);
  }

  async function loadChat(chatId: string): Promise<void> {
    try {
      const r = await core().chatSyncStatus(chatId);
      if (r.ok) applyChat(r.value);
    } catch {
      // As above: the chatSync event keeps it current.
    }
  }

  return { backfill, chats, applyBackfill, loadBackfill, applyChat, loadChat };
});
