import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

describe('backoff', () => {
  const opts = { baseMs: 100, maxMs: 5_000 };

  it('doubles the ceiling per attempt up to maxMs', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((a) => backoffCeiling(a, opts))).toEqual([100, 200, 400, 800, 1600, 3200, 5000]);
    expect(backoffCeiling(10_000, opts)).toBe(5_000);
  });

  it('stays within [0, ceiling] for the extremes of random()', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = backoffCeiling(attempt, opts);
      expect(backoffDelay(attempt, opts, () => 0)).toBe(0);
      expect(backoffDelay(attempt, opts, () => 0.999_999_999)).toBe(ceiling);
      const d = backoffDelay(attempt, opts);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(ceiling);
    }
  });

  it('is jittered: many draws spread over the range', () => {
    const draws = new Set(Array.from({ length: 200 }, () => backoffDelay(8, DEFAULT_BACKOFF)));
    expect(draws.size).toBeGreaterThan(50);
  });

  it('rejects a negative attempt as a programmer error', () => {
    expect(() => backoffCeiling(-1, opts)).toThrow(RangeError);
  });
});
