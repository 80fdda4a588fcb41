import { describe, expect, it } from 'vitest';
import { bottomScrollTop, captureAnchor, estimatedHeight, isAtBottom, restoreAnchor, rowAt, rowOffsets, scrollTopFor, visibleRows } from './windowing.js';

const fixed = (count: number, h: number) => rowOffsets(count, () => h);

describe('rowOffsets and rowAt', () => {
  it('prefix-sums heights and finds the row under a position', () => {
    const offsets = rowOffsets(4, (i) => [10, 20, 30, 40][i]!);
    expect(Array.from(offsets)).toEqual([0, 10, 30, 60, 100]);
    expect([0, 9.9, 10, 29, 30, 99, 100, 500, -5].map((y) => rowAt(offsets, y))).toEqual([0, 0, 1, 1, 2, 3, 3, 3, 0]);
    expect(rowAt(rowOffsets(0, () => 1), 10)).toBe(0);
  });
});

describe('visibleRows', () => {
  it('covers the viewport plus overscan, never past the ends', () => {
    const offsets = fixed(1000, 50);
    expect(visibleRows(offsets, 0, 500, 0)).toEqual({ start: 0, end: 11 });
    expect(visibleRows(offsets, 10_000, 500, 200)).toEqual({ start: 196, end: 215 });
    expect(visibleRows(offsets, 49_800, 500, 200)).toEqual({ start: 992, end: 1000 });
    expect(visibleRows(fixed(0, 50), 0, 500, 200)).toEqual({ start: 0, end: 0 });
  });

  it('stays small and fast at 100k rows of mixed heights', () => {
    const offsets = rowOffsets(100_000, (i) => (i % 7 === 0 ? 120 : 48));
    const t0 = performance.now();
    let rendered = 0;
    for (let y = 0; y < offsets[100_000]!; y += 997) {
      const r = visibleRows(offsets, y, 800, 400);
      rendered = Math.max(rendered, r.end - r.start);
    }
    expect(rendered).toBeLessThan(45);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('bottom', () => {
  it('knows the bottom position and whether the viewport is there', () => {
    const offsets = fixed(10, 100);
    expect(bottomScrollTop(offsets, 400)).toBe(600);
    expect(bottomScrollTop(fixed(2, 100), 400)).toBe(0);
    expect(isAtBottom(600, 400, 1000)).toBe(true);
    expect(isAtBottom(597, 400, 1000)).toBe(true);
    expect(isAtBottom(500, 400, 1000)).toBe(false);
  });
});

describe('anchoring', () => {
  const keys = (n: number, first: number) => Array.from({ length: n }, (_, i) => `m${first + i}`);

  it('keeps the row in view still when older rows are prepended', () => {
    const before = keys(50, 100);
    const offsetsBefore = fixed(50, 40);
    const anchor = captureAnchor(offsetsBefore, 130, (i) => before[i]!)!;
    expect(anchor).toEqual({ key: 'm103', delta: -10 });
    const after = [...keys(100, 0), ...before];
    const offsetsAfter = rowOffsets(after.length, (i) => (i < 100 ? 60 : 40));
    const top = restoreAnchor(offsetsAfter, anchor, (k) => after.indexOf(k))!;
    expect(top).toBe(6000 + 3 * 40 + 10);
    expect(rowAt(offsetsAfter, top)).toBe(after.indexOf('m103'));
  });

  it('absorbs a corrected height above the viewport', () => {
    const list = keys(20, 0);
    const estimated = fixed(20, 50);
    const anchor = captureAnchor(estimated, 525, (i) => list[i]!)!;
    const measured = rowOffsets(20, (i) => (i === 3 ? 130 : 50));
    expect(restoreAnchor(measured, anchor, (k) => list.indexOf(k))).toBe(605);
  });

  it('gives up when the anchor row is gone', () => {
    expect(restoreAnchor(fixed(3, 10), { key: 'x', delta: 0 }, () => -1)).toBeNull();
    expect(captureAnchor(fixed(0, 10), 0, () => 'x')).toBeNull();
  });
});

describe('scrollTopFor and estimatedHeight', () => {
  it('puts a row a third of the way down, clamped to the list', () => {
    const offsets = fixed(100, 50);
    expect(scrollTopFor(offsets, 50, 600)).toBe(2300);
    expect(scrollTopFor(offsets, 1, 600)).toBe(0);
    expect(scrollTopFor(offsets, 99, 600)).toBe(4400);
  });

  it('averages measured heights, with a fallback before any', () => {
    expect(estimatedHeight([], 56)).toBe(56);
    expect(estimatedHeight([40, 60, 80], 56)).toBe(60);
  });
});
