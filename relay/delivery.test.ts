import { describe, expect, it } from 'vitest';
import { bytesKey, deliveredThreshold, takeDelivered } from './delivery.js';
import type { DeviceKey } from '../src/shared/ids.js';

const a = new Uint8Array(32).fill(1) as DeviceKey;
const b = new Uint8Array(32).fill(2) as DeviceKey;

describe('deliveredThreshold', () => {
  it('uses the second cursor for the min device (a sender has its own updates) and min for others', () => {
    const floor = { min: 3, minDevice: a, second: 7 };
    expect(deliveredThreshold(floor, a)).toBe(7);
    expect(deliveredThreshold(floor, b)).toBe(3);
  });

  it('with no registered device everything up to head is delivered', () => {
    expect(deliveredThreshold({ min: 9, minDevice: null, second: 9 }, a)).toBe(9);
  });

  it('with the publisher as the only registered device its own updates count as delivered', () => {
    expect(deliveredThreshold({ min: 0, minDevice: a, second: 12 }, a)).toBe(12);
  });
});

describe('takeDelivered', () => {
  it('drops the covered prefix and returns its highest seq', () => {
    const pending = [2, 4, 9, 11];
    expect(takeDelivered(pending, 1)).toBe(0);
    expect(pending).toEqual([2, 4, 9, 11]);
    expect(takeDelivered(pending, 9)).toBe(9);
    expect(pending).toEqual([11]);
    expect(takeDelivered(pending, 100)).toBe(11);
    expect(pending).toEqual([]);
    expect(takeDelivered(pending, 100)).toBe(0);
  });
});

describe('bytesKey', () => {
  it('is one char per byte, injective and ordered like the bytes', () => {
    const key = bytesKey(a);
    expect(key.length).toBe(32);
    expect(bytesKey(a.slice())).toBe(key);
    expect(bytesKey(a) < bytesKey(b)).toBe(true);
    const high = new Uint8Array(32).fill(0xff);
    expect(bytesKey(high) > bytesKey(b)).toBe(true);
  });
});
