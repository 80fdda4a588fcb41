import { describe, expect, it } from 'vitest';
import { withFakeCore } from '../testing/setup.js';
import { subscribeLive } from './live.js';
import { useStatusStore } from './status.js';

describe('status store', () => {
  it('claims nothing before the first status', () => {
    withFakeCore();
    const status = useStatusStore();
    expect(status.offline).toBe(false);
    expect(status.summary).toBe('Connecting…');
  });

  it('counts relays online and pending messages, live', async () => {
    const core = withFakeCore();
    const status = useStatusStore();
    await status.load();
    expect(status.summary).toBe('1 of 1 relay online');
    expect(status.offline).toBe(false);
    subscribeLive(core);
    core.setStatus({
      relays: [
        { url: 'ws://a', connected: false, storeId: null, lastError: 'connection refused' },
        { url: 'ws://b', connected: false, storeId: null, lastError: null },
      ],
      outbox: 3,
      online: false,
    });
    expect(status.offline).toBe(true);
    expect(status.relaysOnline).toBe(0);
    expect(status.pending).toBe(3);
    expect(status.summary).toBe('0 of 2 relays online, 3 pending');
  });

  it('says a revoked device was removed instead of calling it offline', async () => {
    const core = withFakeCore();
    const status = useStatusStore();
    await status.load();
    expect(status.revoked).toBe(false);
    subscribeLive(core);
    core.setStatus({ relays: [{ url: 'ws://a', connected: false, storeId: null, lastError: null }], outbox: 0, online: false, revoked: true });
    expect(status.revoked).toBe(true);
    expect(status.offline).toBe(false);
    expect(status.summary).toBe('Removed from your account');
    core.setStatus({ relays: [{ url: 'ws://a', connected: false, storeId: null, lastError: null }], outbox: 0, online: false });
    expect(status.revoked).toBe(false);
    expect(status.offline).toBe(true);
  });
});
