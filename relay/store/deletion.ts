// The deletion rule shared by every adapter, as pure functions over cursors, so memory and SQLite
// delete exactly the same seqs.
//
// Rule: an update is deletable when every registered device other than its sender has cursor >= seq.
// With the two lowest cursors (min held by minDevice, then second) that is exactly:
//   seq <= min, or (min < seq <= second and sender === minDevice).
// (With a tie at the bottom second === min, so the second range is empty.) With no registered
// device nothing is deletable: updates wait for their TTL.

/** What an adapter has already deleted for a topic: every seq <= all, and every seq <= devUpTo sent
 *  by dev. Seqs are never reused and new ones are above every cursor, so this stays true forever. */
export type DeletionFrontier = { all: number; dev: string | null; devUpTo: number };

export const EMPTY_FRONTIER: DeletionFrontier = { all: 0, dev: null, devUpTo: 0 };

/** The floor with the min device as a hex key, which is what the planner compares. */
export type FloorKey = { min: number; minDevice: string | null; second: number };

export type DeletionPlan = {
  /** Delete every stored seq <= this (null: nothing new below the floor). */
  upTo: number | null;
  /** Delete the seqs in (from, to] sent by dev (null: nothing to look at). */
  sender: { dev: string; from: number; to: number } | null;
  next: DeletionFrontier;
};

/** Plans only the part of the deletable set not already covered by prev, so an ack that does not
 *  move the floor costs nothing and one that does only looks at the newly deletable range. */
export function planDeletion(prev: DeletionFrontier, floor: FloorKey, registered: number): DeletionPlan | null {
  if (registered === 0 || floor.minDevice === null) return null;
  const upTo = floor.min > prev.all ? floor.min : null;
  const all = Math.max(prev.all, floor.min);
  const dev = floor.minDevice;
  const cleanForDev = prev.dev === dev ? Math.max(all, prev.devUpTo) : all;
  const sender = floor.second > cleanForDev ? { dev, from: cleanForDev, to: floor.second } : null;
  const next: DeletionFrontier =
    prev.dev === dev || floor.second > all ? { all, dev, devUpTo: Math.max(cleanForDev, floor.second) } : { all, dev: prev.dev, devUpTo: prev.devUpTo };
  if (upTo === null && sender === null && next.all === prev.all && next.dev === prev.dev && next.devUpTo === prev.devUpTo) {
    return { upTo: null, sender: null, next: prev };
  }
  return { upTo, sender, next };
}

export type GapRange = { device: string; fromSeq: number; toSeq: number };

/** For updates about to expire (ascending seq), the range each registered device had not acked,
 *  ignoring its own updates (a sender counts as having acked them). */
export function gapRanges(expired: readonly { seq: number; sender: string }[], regs: Iterable<{ device: string; cursor: number }>): GapRange[] {
  const out: GapRange[] = [];
  const n = expired.length;
  if (n === 0) return out;
  for (const reg of regs) {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (expired[mid]!.seq <= reg.cursor) lo = mid + 1;
      else hi = mid;
    }
    let first = lo;
    while (first < n && expired[first]!.sender === reg.device) first++;
    if (first === n) continue;
    let last = n - 1;
    while (expired[last]!.sender === reg.device) last--;
    out.push({ device: reg.device, fromSeq: expired[first]!.seq, toSeq: expired[last]!.seq });
  }
  return out;
}

/** The two lowest cursors; ties are broken by device key order (what SQLite's index order gives). */
export function lowestTwo<R extends { device: string; cursor: number }>(regs: Iterable<R>): [R | null, R | null] {
  let a: R | null = null;
  let b: R | null = null;
  for (const r of regs) {
    if (a === null || before(r, a)) {
      b = a;
      a = r;
    } else if (b === null || before(r, b)) {
      b = r;
    }
  }
  return [a, b];
}

function before(x: { device: string; cursor: number }, y: { device: string; cursor: number }): boolean {
  return x.cursor < y.cursor || (x.cursor === y.cursor && x.device < y.device);
}
