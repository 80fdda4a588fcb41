import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceKey } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import { tempClientDb } from '../db/test-db.js';
import type { CoreContext } from './context.js';
import { isStale, LastSeen, STALE_AFTER_MS } from './devices.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const key = (b: number) => new Uint8Array(32).fill(b) as DeviceKey;
const me = key(1);
const other = key(2);
const stranger = key(3);
const ctx = {
  me: { account: 'a'.repeat(64), device: toHex(me) },
  id: { device: { publicKey: me } },
  directory: { deviceList: () => ({ devices: [{ signKey: me }, { signKey: other }] }) },
} as unknown as CoreContext;

describe('last seen', () => {
  it('keeps the latest sighting of own other devices only, and survives a restart once flushed', () => {
    const t = tempClientDb();
    cleanups.push(t.cleanup);
    const seen = new LastSeen(t.db);
    seen.note(ctx, other, 1000);
    seen.note(ctx, other, 500);
    seen.note(ctx, stranger, 2000);
    seen.note(ctx, me, 3000);
    expect(seen.get(toHex(other))).toBe(1000);
    expect(seen.get(toHex(stranger))).toBeNull();
    expect(seen.get(toHex(me))).toBeNull();
    // The first sighting was written at once; a later one only on flush (or a minute later).
    seen.note(ctx, other, 1500);
    expect(new LastSeen(t.db).get(toHex(other))).toBe(1000);
    seen.note(ctx, other, 70_000);
    expect(new LastSeen(t.db).get(toHex(other))).toBe(70_000);
    seen.note(ctx, other, 70_100);
    seen.flush();
    expect(new LastSeen(t.db).get(toHex(other))).toBe(70_100);
  });
});

describe('stale devices', () => {
  const now = 100 * 24 * 3600_000;
  it('is a device silent for longer than the relay TTL, counted from its last sighting or else from its link', () => {
    expect(STALE_AFTER_MS).toBe(30 * 24 * 3600_000);
    expect(isStale({ current: false, lastSeen: now - STALE_AFTER_MS - 1 }, null, now)).toBe(true);
    expect(isStale({ current: false, lastSeen: now - STALE_AFTER_MS }, null, now)).toBe(false);
    expect(isStale({ current: false, lastSeen: now - 1000 }, 0, now)).toBe(false);
    expect(isStale({ current: false, lastSeen: null }, now - STALE_AFTER_MS - 1, now)).toBe(true);
    expect(isStale({ current: false, lastSeen: null }, now - 1000, now)).toBe(false);
    expect(isStale({ current: false, lastSeen: null }, null, now)).toBe(false);
    expect(isStale({ current: true, lastSeen: 0 }, 0, now)).toBe(false);
  });
});
