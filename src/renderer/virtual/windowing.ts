// Pure math of the windowed message list: row offsets from (measured or estimated) heights, the rows a
// viewport needs, and the scroll position that keeps an anchor row still when rows above it change.

/** offsets[i] is the top of row i; offsets[count] is the total height. */
export function rowOffsets(count: number, heightOf: (index: number) => number): Float64Array {
  const offsets = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i]! + heightOf(i);
  return offsets;
}

/** The row covering vertical position y (clamped to the rows that exist; 0 when there are none). */
export function rowAt(offsets: Float64Array, y: number): number {
  const count = offsets.length - 1;
  if (count <= 0) return 0;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export type RowRange = { start: number; end: number };

/** Rows intersecting [scrollTop, scrollTop + viewport], widened by `overscan` pixels each way; end is exclusive. */
export function visibleRows(offsets: Float64Array, scrollTop: number, viewport: number, overscan: number): RowRange {
  const count = offsets.length - 1;
  if (count <= 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, Math.max(0, scrollTop - overscan));
  const end = rowAt(offsets, scrollTop + viewport + overscan) + 1;
  return { start, end: Math.min(count, end) };
}

/** The scrollTop that shows the end of the list (0 when it fits). */
export function bottomScrollTop(offsets: Float64Array, viewport: number): number {
  return Math.max(0, offsets[offsets.length - 1]! - viewport);
}

export function isAtBottom(scrollTop: number, viewport: number, total: number, slack = 4): boolean {
  return total - (scrollTop + viewport) <= slack;
}

/** Where a row sat relative to the viewport top: captured before a change, restored after it. */
export type Anchor = { key: string; delta: number };

export function captureAnchor(offsets: Float64Array, scrollTop: number, keyOf: (index: number) => string): Anchor | null {
  if (offsets.length <= 1) return null;
  const index = rowAt(offsets, scrollTop);
  return { key: keyOf(index), delta: offsets[index]! - scrollTop };
}

/** The scrollTop that puts the anchor row back where it was, or null when that row is gone. */
export function restoreAnchor(offsets: Float64Array, anchor: Anchor, indexOf: (key: string) => number): number | null {
  const index = indexOf(anchor.key);
  if (index < 0 || index >= offsets.length - 1) return null;
  return Math.max(0, offsets[index]! - anchor.delta);
}

/** The scrollTop that brings a row into view a third of the way down, where the eye lands. */
export function scrollTopFor(offsets: Float64Array, index: number, viewport: number): number {
  const top = offsets[Math.max(0, Math.min(index, offsets.length - 1))]!;
  return Math.max(0, Math.min(top - viewport / 3, bottomScrollTop(offsets, viewport)));
}

/** Average of the known heights, the estimate for rows not yet measured. */
export function estimatedHeight(measured: Iterable<number>, fallback: number): number {
  let sum = 0;
  let n = 0;
  for (const h of measured) {
    sum += h;
    n++;
  }
  return n === 0 ? fallback : sum / n;
}
