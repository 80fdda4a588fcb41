// Counts deliveries in the load generator, matches them to the messages sent, and times them.
import { nowMs } from './payload.js';
import type { PayloadInfo } from './payload.js';

type Pending = { remaining: number; sentAt: number; done: (() => void) | null };

/** Latency samples are kept for messages sent in [from, to). */
export type LatencyWindow = { from: number; to: number; samples: Float64Array; count: number };

export type Tracker = {
  onDelivery(info: PayloadInfo): void;
  deliveries(): number;
  newMsgId(): number;
  /** A message was just sent: `done` runs once `receivers` deliveries arrived or it was declared lost. */
  track(msgId: number, receivers: number, sentAt: number, done: (() => void) | null): void;
  outstanding(): number;
  /** Declares messages sent more than maxAgeMs ago lost (their `done` runs); returns how many. */
  sweep(maxAgeMs: number): number;
  setLatencyWindow(window: LatencyWindow | null): void;
  /** Resolves once nothing is outstanding or the deadline passed; returns what was then declared lost. */
  drain(timeoutMs: number): Promise<number>;
};

export function createTracker(): Tracker {
  const pending = new Map<number, Pending>();
  let deliveries = 0;
  let nextMsgId = 1;
  let latency: LatencyWindow | null = null;

  const sweep = (maxAgeMs: number): number => {
    const cutoff = nowMs() - maxAgeMs;
    let lost = 0;
    for (const [msgId, entry] of pending) {
      if (entry.sentAt > cutoff) continue;
      pending.delete(msgId);
      lost++;
      entry.done?.();
    }
    return lost;
  };

  return {
    onDelivery(info) {
      deliveries++;
      if (latency !== null && info.sentAt >= latency.from && info.sentAt < latency.to && latency.count < latency.samples.length) {
        latency.samples[latency.count++] = nowMs() - info.sentAt;
      }
      const entry = pending.get(info.msgId);
      if (entry === undefined) return;
      entry.remaining--;
      if (entry.remaining > 0) return;
      pending.delete(info.msgId);
      entry.done?.();
    },
    deliveries: () => deliveries,
    newMsgId: () => nextMsgId++,
    track(msgId, receivers, sentAt, done) {
      pending.set(msgId, { remaining: receivers, sentAt, done });
    },
    outstanding: () => pending.size,
    sweep,
    setLatencyWindow(window) {
      latency = window;
    },
    async drain(timeoutMs) {
      const deadline = nowMs() + timeoutMs;
      while (pending.size > 0 && nowMs() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      return sweep(0);
    },
  };
}
