// SUBSCRIBE: registration and gap check, then the backlog in pages, then CAUGHT_UP, DELIVERED and
// live updates. Live updates that arrive during the replay wait in the link's buffer (per-topic FIFO).
import { encodeUpdateFrame } from '../src/shared/codec.js';
import { FrameType } from '../src/shared/frames.js';
import type { SubscribeFrame } from '../src/shared/frames.js';
import type { Connection } from './connection.js';
import { deliveredThreshold, takeDelivered } from './delivery.js';
import { capableLink } from './handlers.js';
import type { ReplayBuffer } from './hub.js';

export async function subscribe(conn: Connection, f: SubscribeFrame): Promise<void> {
  const link = capableLink(conn, f.topic, f.reqId);
  if (link === null) return;
  const { store, batcher, metrics, settings } = conn.core;
  const topic = link.topic;
  const device = conn.device!;
  // From here on live updates are buffered; a newer SUBSCRIBE or an UNSUBSCRIBE replaces the buffer,
  // which stops this replay.
  const replay: ReplayBuffer = { seqs: [], frames: [] };
  link.replay = replay;
  link.subscribed = true;
  topic.subscribers.add(link);
  const current = (): boolean => link.replay === replay && !conn.closed;

  // A cursor past the head cannot be this store's; treat it as the head.
  const cursor = Math.min(f.cursor, topic.headSeq);
  let start = cursor;
  const reg = await store.getRegistration(topic.id, device);
  if (!current()) return;
  if (reg !== null) {
    start = Math.max(cursor, reg.cursor);
    // The device says it stored more than it acked: that counts as an ack.
    if (cursor > reg.cursor) batcher.ack(link, cursor, false);
    if (reg.gapFrom > 0) {
      conn.sendFrame({ type: FrameType.Gap, topic: topic.id, fromSeq: reg.gapFrom - 1, toSeq: topic.headSeq });
      await store.clearGap(topic.id, device);
      if (!current()) return;
    }
  } else {
    // A device that subscribes wants its data kept; in the batcher loop the head matches the store.
    // A closed topic takes no new devices (a revoked one would hold up deletion of its backlog): TOPIC_CLOSED.
    const r = await batcher.exclusive(async () => {
      if (topic.closed) return null;
      const added = await store.register(topic.id, [device], cursor);
      topic.registered += added.length;
      const head = topic.headSeq;
      return { head, stored: head > cursor ? await store.countAfter(topic.id, cursor) : 0 };
    });
    if (!current()) return;
    if (r === null) {
      link.replay = null;
      link.subscribed = false;
      topic.subscribers.delete(link);
      return conn.error(f.reqId, 'TOPIC_CLOSED', topic.id, 'the topic was closed: only devices registered before can still drain it');
    }
    const { head, stored } = r;
    if (head - cursor > stored) conn.sendFrame({ type: FrameType.Gap, topic: topic.id, fromSeq: cursor, toSeq: head });
  }
  conn.sendFrame({ type: FrameType.Ok, reqId: f.reqId, topic: topic.id });

  let after = start;
  const page = settings.replayPageSize;
  for (;;) {
    const updates = await store.readAfter(topic.id, after, page);
    if (!current()) return;
    for (const u of updates) {
      conn.send(encodeUpdateFrame(topic.id, u.seq, u.sender, u.createdAt, u.payload));
      after = u.seq;
    }
    metrics.deliveries += updates.length;
    if (updates.length < page) break;
  }
  const floor = await store.cursorFloor(topic.id);
  if (!current()) return;
  for (let i = 0; i < replay.seqs.length; i++) {
    const seq = replay.seqs[i]!;
    if (seq <= after) continue;
    conn.sendPrepared(replay.frames[i]!); // already complete WebSocket frames (prepared once per fan-out)
    after = seq;
    metrics.deliveries++;
  }
  link.replay = null;
  conn.sendFrame({ type: FrameType.CaughtUp, topic: topic.id, headSeq: Math.max(topic.headSeq, after) });
  const threshold = deliveredThreshold(floor, device);
  if (threshold > 0) {
    conn.sendFrame({ type: FrameType.Delivered, topic: topic.id, seq: threshold });
    if (link.pending !== null) {
      takeDelivered(link.pending, threshold);
      if (link.pending.length === 0) {
        link.pending = null;
        topic.publishers.delete(link);
      }
    }
  }
}
