// An ascending list of seqs for the memory store: appends at the end, cheap removal at the front
// (the usual deletion), and lazily tracked holes elsewhere, so deleting never shifts the array.

const COMPACT_MIN = 64;

export class SeqList {
  private seqs: number[] = [];
  private start = 0;
  private holes = new Set<number>();

  /** Seqs must be pushed in ascending order (they are relay-assigned and never reused). */
  push(seq: number): void {
    this.seqs.push(seq);
  }

  get size(): number {
    return this.seqs.length - this.start - this.holes.size;
  }

  /** Lowest live seq, or undefined when empty. */
  front(): number | undefined {
    return this.start < this.seqs.length ? this.seqs[this.start] : undefined;
  }

  /** Removes a seq known to be in the list. */
  delete(seq: number): void {
    if (this.seqs[this.start] === seq) {
      this.start++;
      this.skipHoles();
    } else {
      this.holes.add(seq);
    }
    this.maybeCompact();
  }

  /** How many live seqs are > after. */
  countAfter(after: number): number {
    let n = this.seqs.length - this.indexAfter(after);
    for (const h of this.holes) if (h > after) n--;
    return n;
  }

  /** Live seqs in (after, upTo], ascending, at most limit of them. */
  range(after: number, upTo: number, limit: number): number[] {
    const out: number[] = [];
    for (let i = this.indexAfter(after); i < this.seqs.length && out.length < limit; i++) {
      const s = this.seqs[i]!;
      if (s > upTo) break;
      if (!this.holes.has(s)) out.push(s);
    }
    return out;
  }

  private indexAfter(after: number): number {
    let lo = this.start;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private skipHoles(): void {
    while (this.start < this.seqs.length && this.holes.delete(this.seqs[this.start]!)) this.start++;
  }

  // Amortised O(1) per deletion: rebuild only when dead entries are a fixed fraction of the array.
  private maybeCompact(): void {
    const dead = this.start + this.holes.size;
    if (dead < COMPACT_MIN || dead * 4 < this.seqs.length) return;
    const live: number[] = [];
    for (let i = this.start; i < this.seqs.length; i++) {
      const s = this.seqs[i]!;
      if (!this.holes.has(s)) live.push(s);
    }
    this.seqs = live;
    this.start = 0;
    this.holes.clear();
  }
}
