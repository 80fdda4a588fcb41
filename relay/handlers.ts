// Frames of an authenticated connection. Each checks the capability it needs, then answers with
// OK/ERROR (or the frame's own reply); store writes go through the batcher.
import { encodeFrame } from '../src/shared/codec.js';
import { topicIdOf, verifyTopicProof } from '../src/shared/crypto/capability.js';
import { FrameType, TopicFlags } from '../src/shared/frames.js';
import type {
  AckFrame,
  ClientFrame,
  CloseTopicFrame,
  DirectFrame,
  EphemeralFrame,
  GetRecordFrame,
  OpenTopicFrame,
  PublishFrame,
  PutRecordFrame,
  RegisterFrame,
  UnregisterFrame,
  UnsubscribeFrame,
} from '../src/shared/frames.js';
import type { DeviceKey, TopicId } from '../src/shared/ids.js';
import { verifyRecord } from '../src/shared/records.js';
import type { Connection } from './connection.js';
import { unregisterDevices } from './deletions.js';
import { bytesKey } from './delivery.js';
import type { TopicLink } from './hub.js';
import { subscribe } from './replay.js';

const KNOWN_FLAGS = TopicFlags.OpenPublish;

export function handleFrame(conn: Connection, frame: ClientFrame): void {
  if (frame.type === FrameType.OpenTopic) {
    const id = topicIdOf(conn.core.sodium, frame.capability);
    const key = bytesKey(id);
    return gated(conn, key, frame.reqId, () => openTopic(conn, frame, id, key));
  }
  // A frame sent right after OPEN_TOPIC (without waiting for OK) waits for it: one socket's frames on
  // one topic are handled in the order they were sent.
  const opening = conn.opening;
  if (opening !== null && opening.size > 0 && 'topic' in frame) {
    const wait = opening.get(bytesKey(frame.topic));
    if (wait !== undefined) {
      void wait.then(() => conn.closed || dispatch(conn, frame));
      return;
    }
  }
  dispatch(conn, frame);
}

/** Runs work after any earlier gated work on the same topic key; later frames on the key wait for it. */
function gated(conn: Connection, key: string, reqId: number, work: () => Promise<void>): void {
  const opening = (conn.opening ??= new Map());
  const prior = opening.get(key);
  const run = prior === undefined ? work() : prior.then(work);
  const done: Promise<void> = run
    .catch((error: unknown) => {
      if (!conn.closed) conn.internal(reqId, null, error);
    })
    .then(() => {
      if (opening.get(key) === done) opening.delete(key);
      // Idle sockets keep no empty map (memory per connection is a stated goal).
      if (opening.size === 0 && conn.opening === opening) conn.opening = null;
    });
  opening.set(key, done);
}

function dispatch(conn: Connection, frame: ClientFrame): void {
  switch (frame.type) {
    case FrameType.Subscribe:
      return track(conn, frame.reqId, frame.topic, subscribe(conn, frame));
    case FrameType.Unsubscribe:
      return unsubscribe(conn, frame);
    case FrameType.Publish:
      return publish(conn, frame);
    case FrameType.Ack:
      return ack(conn, frame);
    case FrameType.Register:
      return track(conn, frame.reqId, frame.topic, register(conn, frame));
    case FrameType.Unregister:
      return track(conn, frame.reqId, frame.topic, unregister(conn, frame));
    case FrameType.Ephemeral:
      return ephemeral(conn, frame);
    case FrameType.Direct:
      return direct(conn, frame);
    case FrameType.PutRecord:
      return track(conn, frame.reqId, null, putRecord(conn, frame));
    case FrameType.GetRecord:
      return track(conn, frame.reqId, null, getRecord(conn, frame));
    case FrameType.CloseTopic:
      return track(conn, frame.reqId, frame.topic, closeTopic(conn, frame));
    case FrameType.OpenTopic:
    case FrameType.Auth:
      return; // handled before dispatch
  }
}

/** A failed store call answers the request with INTERNAL instead of leaving it hanging. */
function track(conn: Connection, reqId: number, topic: TopicId | null, work: Promise<void>): void {
  work.catch((error: unknown) => {
    if (!conn.closed) conn.internal(reqId, topic === null ? null : (topic.slice() as TopicId), error);
  });
}

/** The link proving the capability on this connection, or ERROR NO_CAPABILITY. */
export function capableLink(conn: Connection, topic: TopicId, reqId: number): TopicLink | null {
  const link = conn.links?.get(bytesKey(topic));
  if (link?.capable) return link;
  conn.error(reqId, 'NO_CAPABILITY', topic, 'prove the topic capability with OPEN_TOPIC on this connection first');
  return null;
}

function tooManyTopics(conn: Connection, key: string): boolean {
  return conn.links?.has(key) !== true && conn.topicCount >= conn.core.settings.maxTopics;
}

async function openTopic(conn: Connection, f: OpenTopicFrame, id: TopicId, key: string): Promise<void> {
  const { sodium, hub, settings } = conn.core;
  if (conn.closed) return;
  if ((f.flags & ~KNOWN_FLAGS) !== 0) return conn.error(f.reqId, 'MALFORMED', null, `unknown topic flags ${f.flags}`);
  if (!verifyTopicProof(sodium, f.signature, conn.nonce, conn.device!, f.capability)) return conn.error(f.reqId, 'BAD_PROOF', null, 'topic proof does not verify');
  const limit = `at most ${settings.maxTopics} topics per connection`;
  if (tooManyTopics(conn, key)) return conn.error(f.reqId, 'TOO_MANY_TOPICS', id, limit);
  const topic = await hub.get(id, key, { capability: f.capability.slice() as typeof f.capability, flags: f.flags });
  if (conn.closed || topic === null) return;
  if ((topic.flags & ~TopicFlags.Closed) !== f.flags) return conn.error(f.reqId, 'FLAGS_MISMATCH', id, `the topic was created with flags ${topic.flags & ~TopicFlags.Closed}`);
  if (tooManyTopics(conn, key)) return conn.error(f.reqId, 'TOO_MANY_TOPICS', id, limit);
  conn.link(topic).capable = true;
  conn.sendFrame({ type: FrameType.Ok, reqId: f.reqId, topic: topic.id });
}

function unsubscribe(conn: Connection, f: UnsubscribeFrame): void {
  const link = capableLink(conn, f.topic, f.reqId);
  if (link === null) return;
  link.subscribed = false;
  link.replay = null;
  link.topic.subscribers.delete(link);
  conn.sendFrame({ type: FrameType.Ok, reqId: f.reqId, topic: link.topic.id });
}

function publish(conn: Connection, f: PublishFrame): void {
  const key = bytesKey(f.topic);
  const link = conn.links?.get(key);
  if (link?.capable && link.topic.closed) return refuseClosed(conn, f.reqId, link.topic.id);
  if (link?.capable) conn.core.batcher.publish(link, f.reqId, f.payload, false);
  else if (conn.core.hub.topics.has(key)) track(conn, f.reqId, f.topic, publishWithoutCapability(conn, f, key));
  // Loading the topic takes a store read: later frames on it wait, so publishes keep their order.
  else gated(conn, key, f.reqId, () => publishWithoutCapability(conn, f, key));
}

/** Only open-publish topics (inboxes) take publishes from devices without the capability. */
async function publishWithoutCapability(conn: Connection, f: PublishFrame, key: string): Promise<void> {
  const { hub, batcher } = conn.core;
  const topic = hub.topics.get(key) ?? (await hub.get(f.topic, key, null));
  if (conn.closed) return;
  if (topic === null) return conn.error(f.reqId, 'UNKNOWN_TOPIC', f.topic, 'no such topic');
  if (topic.closed) return refuseClosed(conn, f.reqId, topic.id);
  const link = conn.links?.get(key);
  if (link?.capable) return batcher.publish(link, f.reqId, f.payload, false);
  if (topic.inbox === null) return conn.error(f.reqId, 'NO_CAPABILITY', f.topic, 'prove the topic capability with OPEN_TOPIC on this connection first');
  if (!topic.inbox.limiter.take(conn.deviceKey, Date.now())) return conn.error(f.reqId, 'RATE_LIMITED', f.topic, 'too many publishes to this inbox: retry later');
  if (tooManyTopics(conn, key)) return conn.error(f.reqId, 'TOO_MANY_TOPICS', f.topic, `at most ${conn.core.settings.maxTopics} topics per connection`);
  batcher.publish(conn.link(topic), f.reqId, f.payload, true);
}

function ack(conn: Connection, f: AckFrame): void {
  const link = capableLink(conn, f.topic, 0);
  if (link !== null) conn.core.batcher.ack(link, f.seq, true);
}

function copyDevices(devices: readonly DeviceKey[]): DeviceKey[] {
  return devices.map((d) => d.slice() as DeviceKey);
}

async function register(conn: Connection, f: RegisterFrame): Promise<void> {
  const link = capableLink(conn, f.topic, f.reqId);
  if (link === null) return;
  const { store, batcher } = conn.core;
  const topic = link.topic;
  if (topic.closed) return refuseClosed(conn, f.reqId, topic.id);
  const devices = copyDevices(f.devices);
  // Inside the batcher loop, so no append slips between reading the oldest seq and registering.
  const added = await batcher.exclusive(async () => {
    const oldest = await store.oldestSeq(topic.id);
    return store.register(topic.id, devices, (oldest ?? topic.headSeq + 1) - 1);
  });
  topic.registered += added.length;
  conn.sendFrame({ type: FrameType.Ok, reqId: f.reqId, topic: topic.id });
}

async function unregister(conn: Connection, f: UnregisterFrame): Promise<void> {
  const link = capableLink(conn, f.topic, f.reqId);
  if (link === null) return;
  const { batcher } = conn.core;
  await unregisterDevices(batcher, batcher.deps, link.topic, copyDevices(f.devices));
  conn.sendFrame({ type: FrameType.Ok, reqId: f.reqId, topic: link.topic.id });
}

function ephemeral(conn: Connection, f: EphemeralFrame): void {
  const link = capableLink(conn, f.topic, 0);
  if (link === null) return;
  const topic = link.topic;
  let frame: Buffer | null = null;
  for (const sub of topic.subscribers) {
    if (sub === link) continue;
    frame ??= conn.core.wire.prepare(encodeFrame({ type: FrameType.EphemeralIn, topic: topic.id, sender: conn.device!, payload: f.payload }));
    sub.conn.sendPrepared(frame);
  }
}

function direct(conn: Connection, f: DirectFrame): void {
  const link = capableLink(conn, f.topic, 0);
  if (link === null) return;
  const target = conn.core.hub.devices.get(bytesKey(f.target));
  const targetLink = target?.links?.get(link.topic.key);
  if (target === undefined || targetLink === undefined || !(targetLink.subscribed || targetLink.capable)) {
    return conn.error(0, 'TARGET_OFFLINE', link.topic.id, 'the target device is not online on this topic');
  }
  target.sendFrame({ type: FrameType.DirectIn, topic: link.topic.id, sender: conn.device!, payload: f.payload });
}

function refuseClosed(conn: Connection, reqId: number, topic: TopicId): void {
  conn.error(reqId, 'TOPIC_CLOSED', topic, 'the topic was closed (its chat moved to a new key epoch): it takes no new updates or devices');
}

/** Marks the topic closed at once (later publishes are refused), then durably, after the appends already queued. */
async function closeTopic(conn: Connection, f: CloseTopicFrame): Promise<void> {
  const link = capableLink(conn, f.topic, f.reqId);
  if (link === null) return;
  const { store, batcher } = conn.core;
  const topic = link.topic;
  topic.closed = true;
  await batcher.exclusive(() => store.closeTopic(topic.id));
  if (!conn.closed) conn.sendFrame({ type: FrameType.Ok, reqId: f.reqId, topic: topic.id });
}

async function putRecord(conn: Connection, f: PutRecordFrame): Promise<void> {
  const { sodium, store } = conn.core;
  const verified = verifyRecord(sodium, f.record);
  if (!verified.ok) return conn.error(f.reqId, 'BAD_RECORD', null, verified.message);
  const { kind, account, version } = verified.value;
  const stored = await store.putRecord({ kind, account, version, bytes: f.record.slice() });
  if (conn.closed) return;
  if (!stored) return conn.error(f.reqId, 'STALE_RECORD', null, 'the relay holds a record of this version or newer');
  conn.sendFrame({ type: FrameType.Ok, reqId: f.reqId, topic: null });
}

async function getRecord(conn: Connection, f: GetRecordFrame): Promise<void> {
  const record = await conn.core.store.getRecord(f.kind, f.account);
  conn.sendFrame({ type: FrameType.Record, reqId: f.reqId, kind: f.kind, account: f.account, record: record?.bytes ?? null });
}
