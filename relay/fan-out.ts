// Fan-out: a batch's committed updates to every subscriber of their topics, each frame built once.
import { encodeUpdateFrame } from '../src/shared/codec.js';
import { FrameType } from '../src/shared/frames.js';
import type { Seq } from '../src/shared/ids.js';
import type { BatcherDeps, PendingPublish } from './batcher.js';
import type { TopicState } from './hub.js';
import type { WritePass } from './wire.js';

/** A batch's items grouped by topic, in order of each topic's first item: [first index, later indices]. */
export function topicRuns(items: readonly PendingPublish[]): [number, number[] | null][] {
  const runs = new Map<TopicState, [number, number[] | null]>();
  for (let i = 0; i < items.length; i++) {
    const topic = items[i]!.link.topic;
    const run = runs.get(topic);
    if (run === undefined) runs.set(topic, [i, null]);
    else (run[1] ??= []).push(i);
  }
  return [...runs.values()];
}

/** One topic's frames of this batch (items[first], then items[i] for i in rest) to every subscriber but
 *  each frame's publisher, written subscriber by subscriber: a socket getting one frame is written at
 *  once, so the first subscribers' frames do not wait for every socket of the fan-out to be corked
 *  (1x1000: ~2 ms at 20 updates/s); one getting several is corked, so they leave in one write. */
export function fanOut(items: readonly PendingPublish[], seqs: readonly number[], frames: readonly Buffer[], first: number, rest: readonly number[] | null): number {
  let sent = 0;
  for (const link of items[first]!.link.topic.subscribers) {
    if (link.replay !== null) {
      // Replaying subscribers get live frames after their backlog.
      for (let k = -1; k < (rest?.length ?? 0); k++) {
        const i = k < 0 ? first : rest![k]!;
        if (items[i]!.link === link) continue;
        link.replay.seqs.push(seqs[i]!);
        link.replay.frames.push(frames[i]!);
      }
      continue;
    }
    const conn = link.conn;
    let corked = false;
    try {
      for (let k = -1; k < (rest?.length ?? 0); k++) {
        const i = k < 0 ? first : rest![k]!;
        if (items[i]!.link === link) continue;
        if (!corked && k < (rest?.length ?? 0) - 1) {
          conn.cork();
          corked = true;
        }
        conn.sendPrepared(frames[i]!);
        sent++;
      }
    } finally {
      if (corked) conn.uncork();
    }
  }
  return sent;
}

/** Appends a batch's accepted publishes in one store call, answers PUBLISHED, and fans the committed updates
 *  out; returns the topics whose cursor floor may already cover the new seqs (at most one registered device). */
export async function appendAndFanOut(deps: BatcherDeps, pass: WritePass, items: readonly PendingPublish[]): Promise<Set<TopicState> | null> {
  if (items.length === 0) return null;
  const { store, metrics, wire } = deps;
  const createdAt = Date.now();
  const inputs = items.map((p) => ({ topic: p.link.topic.id, sender: p.link.conn.device!, payload: p.payload, createdAt }));
  let seqs: number[];
  try {
    seqs = await store.append(inputs);
  } catch (error) {
    for (const p of items) {
      p.link.topic.batchBytes = 0;
      p.link.conn.internal(p.reqId, p.link.topic.id, error);
    }
    return null;
  }
  let checkFloor: Set<TopicState> | null = null;
  const frames: Buffer[] = new Array<Buffer>(items.length);
  try {
    for (let i = 0; i < items.length; i++) {
      const p = items[i]!;
      const seq = seqs[i]!;
      const { link } = p;
      const { topic, conn } = link;
      const size = p.payload.byteLength;
      topic.batchBytes = 0;
      topic.storedBytes += size;
      if (seq > topic.headSeq) topic.headSeq = seq;
      topic.inbox?.added(seq, conn.deviceKey, size);
      metrics.publishes++;
      if (!conn.closed) {
        pass.hold(conn);
        conn.sendFrame({ type: FrameType.Published, reqId: p.reqId, topic: topic.id, seq: seq as Seq });
        (link.pending ??= []).push(seq);
        topic.publishers.add(link);
        // A new seq is above every other device's cursor, so only a topic with at most one registered device can already count it delivered.
        if (topic.registered <= 1) (checkFloor ??= new Set()).add(topic);
      }
      frames[i] = wire.prepare(encodeUpdateFrame(topic.id, seq, conn.device!, createdAt, p.payload));
    }
    // Publishers stay corked through the fan-out, so PUBLISHED and the frames they get from the batch's
    // other publishers share one write (100x10 saturated: one write per publisher per batch, not two).
    let sent = 0;
    if (items.length === 1) sent = fanOut(items, seqs, frames, 0, null);
    else for (const [first, rest] of topicRuns(items)) sent += fanOut(items, seqs, frames, first, rest);
    metrics.deliveries += sent;
  } finally {
    pass.release();
  }
  return checkFloor;
}
