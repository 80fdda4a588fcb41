// Fan-out: a batch's committed updates to every subscriber of their topics, each frame built once.
import type { PendingPublish } from './batcher.js';
import type { TopicState } from './hub.js';

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
