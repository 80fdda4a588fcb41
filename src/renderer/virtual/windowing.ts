// Pure math of the windowed message list: row heights in a Fenwick tree (offsets and "which row is at y" in
// O(log n), one height changed in O(log n)), the rows a viewport needs, and the scroll position that keeps an
// anchor row still when rows above it appear or change height.

/** Heights of `count` rows with prefix sums; built in O(n), updated and queried in O(log n). */
export class RowHeights {
  readonly count: number;
  readonly #heights: Float64Array;
  // 1-based Fenwick tree: #tree[i] holds the sum of heights (i - lowbit(i), i].
  readonly #tree: Float64Array;
  #total = 0;

  constructor(count: number, heightOf: (index: number) => number) {
    this.count = count;
    this.#heights = new Float64Array(count);
    this.#tree = new Float64Array(count + 1);
    for (let i = 0; i < count; i++) {
      const h = heightOf(i);
      this.#heights[i] = h;
      this.#total += h;
      this.#tree[i + 1] = this.#tree[i + 1]! + h;
      const parent = i + 1 + ((i + 1) & -(i + 1));
      if (parent <= count) this.#tree[parent] = this.#tree[parent]! + this.#tree[i + 1]!;
    }
  }

  get total(): number {
    return this.#total;
  }

  height(index: number): number {
    return this.#heights[index] ?? 0;
  }

  /** Sets one row's height; returns whether it changed. */
  set(index: number, height: number): boolean {
    const delta = height - this.#heights[index]!;
    if (delta === 0) return false;
    this.#heights[index] = height;
    this.#total += delta;
    for (let i = index + 1; i <= this.count; i += i & -i) this.#tree[i] = this.#tree[i]! + delta;
    return true;
  }

  /** Top of row `index` (the sum of the heights before it); offset(count) is the total. */
  offset(index: number): number {
    let sum = 0;
    for (let i = Math.max(0, Math.min(index, this.count)); i > 0; i -= i & -i) sum += this.#tree[i]!;
    return sum;
  }

  /** The row covering position y, clamped to the rows that exist (0 when there are none). */
  rowAt(y: number): number {
    if (this.count === 0 || y <= 0) return 0;
    // Walk down the tree: the largest prefix whose sum stays <= y is the number of rows entirely above y.
    let index = 0;
    let rest = y;
    for (let step = 1 << Math.floor(Math.log2(this.count)); step > 0; step >>= 1) {
      const next = index + step;
      if (next <= this.count && this.#tree[next]! <= rest) {
        index = next;
        rest -= this.#tree[next]!;
      }
    }
    return Math.min(index, this.count - 1);
  }
}

export type RowRange = { start: number; end: number };

/** Rows intersecting [scrollTop, scrollTop + viewport], widened by `overscan` pixels each way; end is exclusive. */
export function visibleRows(rows: RowHeights, scrollTop: number, viewport: number, overscan: number): RowRange {
  if (rows.count === 0) return { start: 0, end: 0 };
  const start = rows.rowAt(Math.max(0, scrollTop - overscan));
  const end = rows.rowAt(scrollTop + viewport + overscan) + 1;
  return { start, end: Math.min(rows.count, end) };
}

/** The scrollTop that shows the end of the list (0 when it fits). */
export function bottomScrollTop(rows: RowHeights, viewport: number): number {
  return Math.max(0, rows.total - viewport);
}

export function isAtBottom(scrollTop: number, viewport: number, total: number, slack = 4): boolean {
  return total - (scrollTop + viewport) <= slack;
}

/**
 * Where a row sat relative to the viewport top, captured before a change and restored after it. The row's
 * bottom edge is the reference: what changes inside a row (a day separator appearing or going) sits at its top.
 */
export type Anchor = { key: string; delta: number };

export function captureAnchor(rows: RowHeights, scrollTop: number, keyOf: (index: number) => string): Anchor | null {
  if (rows.count === 0) return null;
  const index = rows.rowAt(scrollTop);
  return { key: keyOf(index), delta: rows.offset(index + 1) - scrollTop };
}

/** The scrollTop that puts the anchor row back where it was, or null when that row is gone. */
export function restoreAnchor(rows: RowHeights, anchor: Anchor, indexOf: (key: string) => number): number | null {
  const index = indexOf(anchor.key);
  if (index < 0 || index >= rows.count) return null;
  return Math.max(0, rows.offset(index + 1) - anchor.delta);
}

/** The scrollTop that brings a row into view a third of the way down, where the eye lands. */
export function scrollTopFor(rows: RowHeights, index: number, viewport: number): number {
  return Math.max(0, Math.min(rows.offset(index) - viewport / 3, bottomScrollTop(rows, viewport)));
}
