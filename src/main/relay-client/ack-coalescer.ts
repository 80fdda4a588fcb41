// Client-side batching of cumulative acks: many acks on a topic within one short window become one
// ACK frame carrying the highest seq, which is all a cumulative ack needs.
import type { TopicId } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';

export type Timers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The relay client's default ack window (RelayClientOptions.ackDelayMs). Acks only drive deletion on the
 *  relay and the sender's DELIVERED, which can wait a quarter second; at 20 ms a device receiving an
 *  update every 50 ms acked each one, and reading those ACKs and answering ACKED cost the relay more
 *  than forwarding (bench:relay, 100x10 at 20k deliveries/s: relay CPU ~80% -> ~50% of a core). */
export const DEFAULT_ACK_DELAY_MS = 250;

/** While updates keep coming, ack flushes are at least this far apart (RelayClientOptions.ackIntervalMs):
 *  a device getting 20 updates/s then acks about once a second instead of four times, and a chat after a
 *  quiet spell still gets its ack (and the sender its DELIVERED) one ackDelayMs later (bench:relay 100x10
 *  at 20k deliveries/s, acks at 250 ms vs 1 s spacing: relay CPU ~54% -> ~45%). */
export const DEFAULT_ACK_INTERVAL_MS = 1000;

/** How long the next flush waits: the ack delay, or longer to keep flushes intervalMs apart, spread
 *  uniformly over [1/2, 3/2) of that (mean unchanged). Every device of a large group gets an update at the
 *  same moment; without the spread all of them would ack it in the same millisecond, a burst of
 *  thousands of ACKs the relay must read and commit while the next update waits (bench:relay 1x1000). */
export function nextAckDelayMs(delayMs: number, intervalMs: number, sinceLastFlushMs: number, random: () => number = Math.random): number {
  return Math.max(delayMs, intervalMs - sinceLastFlushMs) * (0.5 + random());
}

/** Optional pacing knobs of an AckCoalescer; the defaults are the relay client's. */
export type AckPacing = { intervalMs?: number; random?: () => number; now?: () => number };

type Entry = { topic: TopicId; seq: number };

export class AckCoalescer {
  readonly #send: (topic: TopicId, seq: number) => boolean;
  readonly #delayMs: number;
  readonly #timers: Timers;
  /** Highest seq waiting to be sent, per topic (hex). */
  readonly #pending = new Map<string, Entry>();
  /** Highest seq already handed to the socket, per topic: lower acks are redundant. */
  readonly #sent = new Map<string, number>();
  #timer: unknown = null;

  /** send returns false when it could not send (no socket): the ack stays pending for the next flush. */
  readonly #intervalMs: number;
  readonly #random: () => number;
  readonly #now: () => number;
  /** When a flush last handed an ack to the socket (#now's clock). */
  #lastFlushAt = Number.NEGATIVE_INFINITY;

  constructor(send: (topic: TopicId, seq: number) => boolean, delayMs: number, timers: Timers = realTimers, pacing: AckPacing = {}) {
    this.#send = send;
    this.#delayMs = delayMs;
    this.#timers = timers;
    this.#intervalMs = pacing.intervalMs ?? DEFAULT_ACK_INTERVAL_MS;
    this.#random = pacing.random ?? Math.random;
    this.#now = pacing.now ?? (() => performance.now());
  }

  /** Records a cumulative ack; it leaves after nextAckDelayMs (or at once when delayMs is 0). */
  ack(topic: TopicId, seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`ack seq must be a non-negative safe integer, got ${seq}`);
    const key = toHex(topic);
    if ((this.#sent.get(key) ?? -1) >= seq) return;
    const entry = this.#pending.get(key);
    if (entry === undefined) this.#pending.set(key, { topic, seq });
    else if (seq > entry.seq) entry.seq = seq;
    else return;
    if (this.#delayMs <= 0) this.flush();
    else if (this.#timer === null) this.#timer = this.#timers.setTimeout(() => this.flush(), nextAckDelayMs(this.#delayMs, this.#intervalMs, this.#now() - this.#lastFlushAt, this.#random));
  }

  /** Sends every pending ack now; acks that cannot be sent stay pending. */
  flush(): void {
    if (this.#timer !== null) {
      this.#timers.clearTimeout(this.#timer);
      this.#timer = null;
    }
    for (const [key, entry] of this.#pending) {
      if (!this.#send(entry.topic, entry.seq)) continue;
      this.#lastFlushAt = this.#now();
      this.#pending.delete(key);
      this.#sent.set(key, entry.seq);
    }
  }

  /** Drops everything (e.g. the relay's store was replaced, so old seqs mean nothing there). */
  reset(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending.clear();
    this.#sent.clear();
  }

  get pendingCount(): number {
    return this.#pending.size;
  }
}
