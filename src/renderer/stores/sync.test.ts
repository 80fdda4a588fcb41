import { describe, expect, it } from 'vitest';
import type { ChatSyncStatus, DeviceSyncView } from '../../shared/core-api.js';
import { ME, ME_DEVICE } from '../testing/fake-core.js';
import { BOB, withFakeCore } from '../testing/setup.js';
import { subscribeLive } from './live.js';
import { backfillText, chatSyncText, useSyncStore } from './sync.js';

const device = (deviceId: string, account: string, inSync: boolean | null, current = false): DeviceSyncView => ({ deviceId, account, inSync, current, digestAt: inSync === null ? null : 1 });
const status = (devices: DeviceSyncView[]): ChatSyncStatus => ({ chatId: 'c1'.repeat(16), devices, allInSync: devices.every((d) => d.inSync === true) });
const name = (deviceId: string, account: string) => (account === ME ? `my ${deviceId.slice(0, 2)}` : `${account.slice(0, 2)}'s device`);

describe('sync store', () => {
  it('words the backfill progress with thousands separators, and nothing once complete', () => {
    expect(backfillText({ done: 3412, total: 10_000, pendingDocs: 3, complete: false })).toBe('Syncing history: 3,412 / 10,000');
    expect(backfillText({ done: 0, total: 0, pendingDocs: 1, complete: false })).toBe('Syncing history from your other devices…');
    expect(backfillText({ done: 10_000, total: 10_000, pendingDocs: 0, complete: true })).toBeNull();
    expect(backfillText(null)).toBeNull();
  });

  it('words a chat’s convergence: all in sync, who is behind, or still checking', () => {
    expect(chatSyncText(status([device(ME_DEVICE, ME, true, true), device('e5'.repeat(32), ME, true), device('b9'.repeat(32), BOB, true)]), name)).toBe('All 3 devices in sync');
    expect(chatSyncText(status([device(ME_DEVICE, ME, true, true), device('e5'.repeat(32), ME, false)]), name)).toBe('Syncing: my e5 is behind');
    expect(chatSyncText(status([device(ME_DEVICE, ME, true, true), device('b9'.repeat(32), BOB, false), device('e5'.repeat(32), ME, false)]), name)).toBe("Syncing: b2's device and 1 more are behind");
    expect(chatSyncText(status([device(ME_DEVICE, ME, true, true), device('b9'.repeat(32), BOB, null)]), name)).toBe('Checking sync with 1 device…');
    expect(chatSyncText(undefined, name)).toBeNull();
    // While this device backfills, it is the one behind, whatever the digests say.
    expect(chatSyncText(status([device(ME_DEVICE, ME, true, true), device('e5'.repeat(32), ME, false)]), name, true)).toBe('Syncing: this device is catching up');
    expect(chatSyncText(status([device(ME_DEVICE, ME, true, true), device('e5'.repeat(32), ME, true)]), name, true)).toBe('All 2 devices in sync');
  });

  it('loads progress and chat status from the core and follows their events', async () => {
    const core = withFakeCore();
    const sync = useSyncStore();
    const off = subscribeLive(core);
    core.setBackfill({ done: 5, total: 20, pendingDocs: 2, complete: false });
    expect(sync.backfill).toEqual({ done: 5, total: 20, pendingDocs: 2, complete: false });
    await sync.loadBackfill();
    expect(sync.backfill?.done).toBe(5);

    const chat = core.seedChat({ chatId: 'c1'.repeat(16), with: [BOB] });
    await sync.loadChat(chat.chatId);
    expect(sync.chats.get(chat.chatId)?.allInSync).toBe(true);
    const lagging = status([device(ME_DEVICE, ME, true, true), device('b9'.repeat(32), BOB, false)]);
    core.emit('chatSync', lagging);
    expect(sync.chats.get(chat.chatId)).toEqual(lagging);
    await sync.loadChat('ff'.repeat(16));
    expect(sync.chats.has('ff'.repeat(16))).toBe(false);
    off();
  });
});
