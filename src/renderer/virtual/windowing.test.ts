import { describe, expect, it } from 'vitest';
import { bottomScrollTop, captureAnchor, isAtBottom, restoreAnchor, RowHeights, scrollTopFor, visibleRows } from './windowing.js';

const fixed = (count: number, h: number) => new RowHeights(count, () => h);
const offsetsOf = (rows: RowHeights) => Array.from({ length: rows.count + 1 }, (_, i) => rows.offset(i));

describe('RowHeights', () => {
  it('sums heights and finds the row under a position', () => {
    const rows = new RowHeights(4, (i) => [10, 20, 30, 40][i]!);
    expect(offsetsOf(rows)).toEqual([0, 10, 30, 60, 100]);
    expect(rows.total).toBe(100);
    expect([0, 9.9, 10, 29, 30, 99, 100, 500, -5].map((y) => rows.rowAt(y))).toEqual([0, 0, 1, 1, 2, 3, 3, 3, 0]);
    expect(new RowHeights(0, () => 1).rowAt(10)).toBe(0);
  });

  it('updates one height and every offset after it', () => {
    const rows = new RowHeights(5, () => 10);
    expect(rows.set(2, 25)).toBe(true);
    expect(rows.set(2, 25)).toBe(false);
    expect(offsetsOf(rows)).toEqual([0, 10, 20, 45, 55, 65]);
    expect(rows.rowAt(44)).toBe(2);
    expect(rows.rowAt(45)).toBe(3);
    expect(rows.height(2)).toBe(25);
  });

  it('agrees with plain prefix sums for any size and random updates', () => {
    for (const count of [1, 2, 3, 7, 8, 9, 100, 1000]) {
      const plain = Array.from({ length: count }, (_, i) => 20 + ((i * 37) % 50));
      const rows = new RowHeights(count, (i) => plain[i]!);
      for (let k = 0; k < 50; k++) {
        const i = (k * 7919) % count;
        plain[i] = 10 + ((k * 31) % 90);
        rows.set(i, plain[i]!);
      }
      let sum = 0;
      for (let i = 0; i < count; i++) {
        expect(rows.offset(i)).toBe(sum);
        expect(rows.rowAt(sum)).toBe(i);
        expect(rows.rowAt(sum + plain[i]! - 0.5)).toBe(i);
        sum += plain[i]!;
      }
      expect(rows.total).toBe(sum);
    }
  });
});

describe('visibleRows', () => {
  it('covers the viewport plus overscan, never past the ends', () => {
    const rows = fixed(1000, 50);
    expect(visibleRows(rows, 0, 500, 0)).toEqual({ start: 0, end: 11 });
    expect(visibleRows(rows, 10_000, 500, 200)).toEqual({ start: 196, end: 215 });
    expect(visibleRows(rows, 49_800, 500, 200)).toEqual({ start: 992, end: 1000 });
    expect(visibleRows(fixed(0, 50), 0, 500, 200)).toEqual({ start: 0, end: 0 });
  });

  it('stays small and fast at 100k rows of mixed heights, also while heights change', () => {
    const rows = new RowHeights(100_000, (i) => (i % 7 === 0 ? 120 : 48));
    const t0 = performance.now();
    let rendered = 0;
    for (let y = 0; y < rows.total; y += 997) {
      const r = visibleRows(rows, y, 800, 400);
      rendered = Math.max(rendered, r.end - r.start);
      for (let i = r.start; i < r.end; i++) rows.set(i, 50 + (i % 5));
    }
    expect(rendered).toBeLessThan(45);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('bottom', () => {
  it('knows the bottom position and whether the viewport is there', () => {
    expect(bottomScrollTop(fixed(10, 100), 400)).toBe(600);
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
    const anchor = captureAnchor(fixed(50, 40), 130, (i) => before[i]!)!;
    expect(anchor).toEqual({ key: 'm103', delta: 30 });
    const after = [...keys(100, 0), ...before];
    const rows = new RowHeights(after.length, (i) => (i < 100 ? 60 : 40));
    const top = restoreAnchor(rows, anchor, (k) => after.indexOf(k))!;
    expect(top).toBe(6000 + 3 * 40 + 10);
    expect(rows.rowAt(top)).toBe(after.indexOf('m103'));
  });

  it('keeps a message still when its row loses the day separator above it', () => {
    // Row m0 was first (100px with a separator); once older rows of the same day arrive it is 60px.
    const anchor = captureAnchor(new RowHeights(3, (i) => [100, 50, 50][i]!), 40, (i) => `m${i}`)!;
    const after = ['o1', 'o2', 'm0', 'm1', 'm2'];
    const rows = new RowHeights(5, (i) => [50, 50, 60, 50, 50][i]!);
    const top = restoreAnchor(rows, anchor, (k) => after.indexOf(k))!;
    // The bubble ends 60px below the viewport top, before and after.
    expect(rows.offset(3) - top).toBe(100 - 40);
  });

  it('absorbs a corrected height above the viewport', () => {
    const list = keys(20, 0);
    const anchor = captureAnchor(fixed(20, 50), 525, (i) => list[i]!)!;
    const measured = new RowHeights(20, (i) => (i === 3 ? 130 : 50));
    expect(restoreAnchor(measured, anchor, (k) => list.indexOf(k))).toBe(605);
  });

  it('gives up when the anchor row is gone', () => {
    expect(restoreAnchor(fixed(3, 10), { key: 'x', delta: 0 }, () => -1)).toBeNull();
    expect(captureAnchor(fixed(0, 10), 0, () => 'x')).toBeNull();
  });
});

describe('scrollTopFor', () => {
  it('puts a row a third of the way down, clamped to the list', () => {
    const rows = fixed(100, 50);
    expect(scrollTopFor(rows, 50, 600)).toBe(2300);
    expect(scrollTopFor(rows, 1, 600)).toBe(0);
    expect(scrollTopFor(rows, 99, 600)).toBe(4400);
  });
});
