// Per (relay, topic) subscription state: whether the topic is ready (proven, registered, subscribed),
// whether its backlog replay ended (CAUGHT_UP), which acks still wait for ACKED, and whether the
// subscription needs a sync step 1 once caught up (a first backfill missing history, or a void cursor).
import type { DeviceKey, TopicId } from '../../shared/ids.js';
import type { TopicCapability } from '../../shared/crypto/capability.js';

export type TopicSpec = {
  topic: TopicId;
  hex: string;
  capability: TopicCapability;
  flags: number;
  /** Devices to REGISTER before the topic counts as ready (e.g. every member device of a chat). */
  devices(): DeviceKey[];
};

/** Where the device's cursor for the topic on a relay comes from: this store, only another store (the relay
 *  lost its data), or nowhere (it never subscribed there). */
export type CursorHistory = 'this' | 'other' | 'none';
type Backfill = 'none' | 'first' | 'resync';

export type TopicState = {
  spec: TopicSpec;
  proven: boolean;
  ready: boolean;
  caughtUp: boolean;
  ackSent: number;
  ackConfirmed: number;
  backfill: Backfill;
  firstSeq: number | null;
};

export const newTopicState = (spec: TopicSpec): TopicState => ({ spec, proven: false, ready: false, caughtUp: false, ackSent: 0, ackConfirmed: 0, backfill: 'none', firstSeq: null });

/** Before a (re)subscribe from cursor: the replay starts over. */
export function beforeSubscribe(t: TopicState, cursor: number, history: CursorHistory): void {
  t.caughtUp = false;
  t.firstSeq = null;
  t.backfill = cursor > 0 || history === 'this' ? 'none' : history === 'other' ? 'resync' : 'first';
}

export function updateSeen(t: TopicState, seq: number): void {
  if (t.backfill === 'first' && t.firstSeq === null) t.firstSeq = seq;
}

/** CAUGHT_UP: true when the device should ask a peer for history (a backlog that did not start at seq 1
 *  on a first backfill, or a cursor voided by a new store). */
export function caughtUp(t: TopicState, headSeq: number): boolean {
  t.caughtUp = true;
  const needsResync = t.backfill === 'resync' || (t.backfill === 'first' && headSeq > 0 && t.firstSeq !== 1);
  t.backfill = 'none';
  return needsResync;
}

export function ackSent(t: TopicState, seq: number): void {
  if (seq > t.ackConfirmed && seq > t.ackSent) t.ackSent = seq;
}

export function ackConfirmed(t: TopicState, seq: number): void {
  if (seq > t.ackConfirmed) t.ackConfirmed = seq;
}

/** The socket dropped: the next subscription replays again. */
export function disconnected(t: TopicState): void {
  t.ready = t.caughtUp = false;
}

/** A reconnect resubscribed from the persisted cursors, which acknowledges what was acked before; a new
 *  store knows none of it. */
export function reconnected(t: TopicState, storeChanged: boolean): void {
  t.ackConfirmed = storeChanged ? 0 : Math.max(t.ackConfirmed, t.ackSent);
  if (storeChanged) t.ackSent = 0;
}

/** Why sync() must still wait for this topic, or null. */
export function unsettledReason(t: TopicState): string | null {
  if (!t.ready || !t.caughtUp) return `topic ${t.spec.hex.slice(0, 8)} not caught up`;
  if (t.ackConfirmed < t.ackSent) return `ack of topic ${t.spec.hex.slice(0, 8)} not confirmed (${t.ackConfirmed} < ${t.ackSent})`;
  return null;
}
