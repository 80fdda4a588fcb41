// Rate limits and quota decisions: pure logic with the clock passed in, so tests need no timers.
import type { Registration } from './store/types.js';

/** Classic token bucket: `rate` tokens per second, at most `burst` saved up. */
export class TokenBucket {
  tokens: number;
  refilledAt: number;
  readonly rate: number;
  readonly burst: number;

  constructor(rate: number, burst: number, now: number) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Takes one token; false (and nothing taken) when the bucket is empty. */
  take(now: number): boolean {
    if (this.tokens < 1) this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket would be full at `now`: its state carries no information any more. */
  isFull(now: number): boolean {
    return this.tokens + ((now - this.refilledAt) * this.rate) / 1000 >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = now - this.refilledAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000);
    this.refilledAt = now;
  }
}

/** Per-sender publish limits on one open-publish topic (an inbox): `perMinute` publishes per minute. */
export class SenderLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly perMinute: number;

  constructor(perMinute: number) {
    this.perMinute = perMinute;
  }

  take(sender: string, now: number): boolean {
    let bucket = this.buckets.get(sender);
    if (!bucket) {
      bucket = new TokenBucket(this.perMinute / 60, this.perMinute, now);
      this.buckets.set(sender, bucket);
    }
    return bucket.take(now);
  }

  /** Forgets senders whose bucket has refilled, so the map only holds recent senders. */
  sweep(now: number): void {
    for (const [sender, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(sender);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** Would storing `size` more bytes on a topic holding `stored` (+ `pending` accepted in this batch) pass the quota? */
export function exceedsQuota(stored: number, pending: number, size: number, quota: number): boolean {
  return stored + pending + size > quota;
}

/** One sender may hold at most quota/divisor stored bytes on an open-publish topic. */
export function exceedsSenderShare(senderBytes: number, size: number, quota: number, divisor: number): boolean {
  return senderBytes + size > Math.floor(quota / divisor);
}

/** The registration to unregister to make room: the oldest cursor, never the publisher, and only one
 *  that still lacks something (cursor below headSeq), since evicting anyone else frees nothing.
 *  Ties go to the lower device key, the order the stores use for the cursor floor. */
export function chooseEviction(regs: readonly Registration[], publisher: string, headSeq: number, keyOf: (device: Uint8Array) => string): Registration | null {
  let best: Registration | null = null;
  let bestKey = '';
  for (const reg of regs) {
    if (reg.cursor >= headSeq) continue;
    const key = keyOf(reg.device);
    if (key === publisher) continue;
    if (best === null || reg.cursor < best.cursor || (reg.cursor === best.cursor && key < bestKey)) {
      best = reg;
      bestKey = key;
    }
  }
  return best;
}
