import { describe, expect, it } from 'vitest';
import { SenderLimiter, TokenBucket, chooseEviction, exceedsQuota, exceedsSenderShare } from './limits.js';
import { bytesKey } from './delivery.js';
import type { Registration } from './store/types.js';
import type { DeviceKey } from '../src/shared/ids.js';

function device(n: number): DeviceKey {
  return new Uint8Array(32).fill(n) as DeviceKey;
}

function reg(n: number, cursor: number): Registration {
  return { device: device(n), cursor, gapFrom: 0 };
}

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate', () => {
    const bucket = new TokenBucket(10, 20, 0);
    for (let i = 0; i < 20; i++) expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(50)).toBe(false); // half a token after 50 ms at 10/s
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
    // a long pause refills up to the burst only
    for (let i = 0; i < 20; i++) expect(bucket.take(100_000)).toBe(true);
    expect(bucket.take(100_000)).toBe(false);
  });

  it('ignores a clock that goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(500)).toBe(false);
  });

  it('knows when it is full again', () => {
    const bucket = new TokenBucket(1, 2, 0);
    bucket.take(0);
    expect(bucket.isFull(500)).toBe(false);
    expect(bucket.isFull(1000)).toBe(true);
  });
});

describe('SenderLimiter', () => {
  it('limits each sender separately, per minute', () => {
    const limiter = new SenderLimiter(60);
    for (let i = 0; i < 60; i++) expect(limiter.take('a', 0)).toBe(true);
    expect(limiter.take('a', 0)).toBe(false);
    expect(limiter.take('b', 0)).toBe(true);
    expect(limiter.take('a', 1000)).toBe(true); // one per second comes back
    expect(limiter.take('a', 1000)).toBe(false);
  });

  it('sweeps senders whose bucket has refilled', () => {
    const limiter = new SenderLimiter(60);
    limiter.take('a', 0);
    for (let i = 0; i < 30; i++) limiter.take('b', 30_000);
    limiter.sweep(40_000);
    expect(limiter.size).toBe(1);
    limiter.sweep(100_000);
    expect(limiter.size).toBe(0);
  });
});

describe('quota decisions', () => {
  it('counts stored, pending and the new update', () => {
    expect(exceedsQuota(60, 30, 10, 100)).toBe(false);
    expect(exceedsQuota(60, 30, 11, 100)).toBe(true);
    expect(exceedsQuota(0, 0, 101, 100)).toBe(true);
  });

  it('caps one sender at an eighth of the quota', () => {
    expect(exceedsSenderShare(0, 128, 1024, 8)).toBe(false);
    expect(exceedsSenderShare(100, 29, 1024, 8)).toBe(true);
  });

  it('evicts the oldest cursor, never the publisher, never a device that lacks nothing', () => {
    const regs = [reg(3, 5), reg(1, 2), reg(2, 2), reg(4, 10)];
    expect(chooseEviction(regs, bytesKey(device(9)), 10, bytesKey)?.device).toEqual(device(1)); // tie → lower key
    expect(chooseEviction(regs, bytesKey(device(1)), 10, bytesKey)?.device).toEqual(device(2));
    expect(chooseEviction([reg(4, 10), reg(5, 12)], bytesKey(device(9)), 10, bytesKey)).toBeNull();
    expect(chooseEviction([reg(1, 0)], bytesKey(device(1)), 10, bytesKey)).toBeNull();
    expect(chooseEviction([], bytesKey(device(1)), 10, bytesKey)).toBeNull();
  });
});
