// DELIVERED bookkeeping: which published seqs a publisher may now be told every other device holds.
import type { CursorFloor } from './store/types.js';
import { FrameType } from '../src/shared/frames.js';
import { bytesEqual } from '../src/shared/ids.js';
import type { TopicState } from './hub.js';

/** Map key for a 32-byte id: one-byte-per-char string (compact in V8, cheap to build and compare,
 *  and its order is the byte order, the same as hex). */
export function bytesKey(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Highest seq such that every registered device other than `device` has acked it. The deletion rule
 *  counts a sender as having its own updates, so for the min device only the second cursor matters. */
export function deliveredThreshold(floor: CursorFloor, device: Uint8Array): number {
  return floor.minDevice !== null && bytesEqual(floor.minDevice, device) ? floor.second : floor.min;
}

/** Removes the ascending pending seqs ≤ threshold in place; returns the highest removed, or 0. */
export function takeDelivered(pending: number[], threshold: number): number {
  let n = 0;
  while (n < pending.length && pending[n]! <= threshold) n++;
  if (n === 0) return 0;
  const highest = pending[n - 1]!;
  pending.splice(0, n);
  return highest;
}

/** DELIVERED to every online publisher on the topic whose pending seqs the floor now covers. */
export function announceDelivered(topic: TopicState, floor: CursorFloor): void {
  for (const link of topic.publishers) {
    const pending = link.pending;
    if (pending === null) {
      topic.publishers.delete(link);
      continue;
    }
    const seq = takeDelivered(pending, deliveredThreshold(floor, link.conn.device!));
    if (seq > 0) link.conn.deferFrame({ type: FrameType.Delivered, topic: topic.id, seq });
    if (pending.length === 0) {
      link.pending = null;
      topic.publishers.delete(link);
      link.conn.release(link);
    }
  }
}
