// The batcher against a recording fake store: coalescing, the ack window, chunking, and early commits.
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { FrameType } from '../src/shared/frames.js';
import type { RelayFrame } from '../src/shared/frames.js';
import type { CapabilityKey, DeviceKey, TopicId } from '../src/shared/ids.js';
import { ACK_CHUNK, Batcher } from './batcher.js';
import type { Connection } from './connection.js';
import { resolveSettings } from './core.js';
import { bytesKey } from './delivery.js';
import { Hub, TopicState } from './hub.js';
import type { TopicLink } from './hub.js';
import { Metrics } from './metrics.js';
import type { AckInput, CursorFloor, RelayStore } from './store/types.js';
import { SEND_WIRE } from './wire.js';

const topicId = new Uint8Array(32).fill(1) as TopicId;

function fakeStore(floor: () => CursorFloor) {
  const ackCalls: AckInput[][] = [];
  let head = 0;
  const store = {
    append: vi.fn(async (batch: unknown[]) => batch.map(() => ++head)),
    ack: vi.fn(async (batch: AckInput[]) => {
      ackCalls.push(batch.map((a) => ({ ...a })));
      return batch.map((a) => ({ topic: a.topic, device: a.device, cursor: a.seq, deleted: [], deletedBytes: 0, registered: true, floor: floor() }));
    }),
    cursorFloor: vi.fn(async () => floor()),
    getTopic: vi.fn(async () => null),
  };
  return { store: store as unknown as RelayStore, ackCalls };
}

function setup(ackBatchMs: number, floor: () => CursorFloor = () => ({ min: 0, minDevice: null, second: 0 })) {
  const settings = resolveSettings({ store: {} as RelayStore, sodium: {} as never, ackBatchMs });
  const { store, ackCalls } = fakeStore(floor);
  const hub = new Hub(store, settings);
  const batcher = new Batcher({ store, settings, metrics: new Metrics(), hub, log: pino({ enabled: false }), wire: SEND_WIRE });
  const topic = new TopicState({ topic: topicId, capability: new Uint8Array(32) as CapabilityKey, flags: 0, headSeq: 0, storedUpdates: 0, storedBytes: 0 }, bytesKey(topicId), 0, settings, 0);
  const link = (n: number): { link: TopicLink; sent: RelayFrame[] } => {
    const sent: RelayFrame[] = [];
    const device = new Uint8Array(32).fill(n) as DeviceKey;
    const conn = {
      device,
      deviceKey: bytesKey(device),
      closed: false,
      corkRound: 0,
      ws: { readyState: 1, send: () => {} },
      cork() {},
      uncork() {},
      sendFrame: (f: RelayFrame) => sent.push(f),
      deferFrame: (f: RelayFrame) => sent.push(f),
      sendPrepared: () => {},
      error: (reqId: number, code: string) => sent.push({ type: FrameType.Error, reqId, code: 0, topic: null, message: code }),
      release() {},
    } as unknown as Connection;
    return { link: { conn, topic, capable: true, subscribed: false, replay: null, pending: null, ackTo: -1, ackReply: false }, sent };
  };
  return { batcher, ackCalls, topic, link };
}

/** Lets the event loop turn (setImmediate) n times, or until cond holds. */
async function turns(n: number, cond: () => boolean = () => false): Promise<void> {
  for (let i = 0; i < n && !cond(); i++) await new Promise((resolve) => setImmediate(resolve));
}

async function turnsUntil(cond: () => boolean): Promise<void> {
  await turns(1000, cond);
  expect(cond()).toBe(true);
}

/** The store calls n queued acks take: full chunks, then the rest. */
const chunkSizes = (n: number): number[] => [...Array.from({ length: Math.floor(n / ACK_CHUNK) }, () => ACK_CHUNK), ...(n % ACK_CHUNK > 0 ? [n % ACK_CHUNK] : [])];

describe('Batcher acks', () => {
  it('coalesces acks of one link within the window into one store call with the highest seq, answered once', async () => {
    const { batcher, ackCalls, link } = setup(30);
    const a = link(2);
    batcher.ack(a.link, 3, true);
    batcher.ack(a.link, 7, true);
    batcher.ack(a.link, 5, true);
    await vi.waitFor(() => expect(ackCalls.length).toBe(1));
    expect(ackCalls[0]).toEqual([{ topic: topicId, device: a.link.conn.device, seq: 7 }]);
    expect(a.sent.filter((f) => f.type === FrameType.Acked)).toEqual([{ type: FrameType.Acked, topic: topicId, seq: 7 }]);
  });

  it('commits large ack sets in chunks, every one of them answered', async () => {
    const { batcher, ackCalls, link } = setup(0);
    const links = Array.from({ length: 150 }, (_, i) => link(i + 2));
    for (const l of links) batcher.ack(l.link, 1, true);
    await batcher.idle();
    expect(ackCalls.map((c) => c.length)).toEqual(chunkSizes(150));
    expect(ackCalls.length).toBeGreaterThan(1);
    for (const l of links) expect(l.sent).toEqual([{ type: FrameType.Acked, topic: topicId, seq: 1 }]);
  });

  it('cuts ack chunks along topics, so the acks of a topic share as few deletion passes as possible', async () => {
    const { batcher, ackCalls, topic, link } = setup(0);
    const others = [2, 3].map((n) => {
      const id = new Uint8Array(32).fill(n) as TopicId;
      return new TopicState({ ...topic, topic: id, id, capability: topic.capability, flags: 0, headSeq: 0, storedUpdates: 0, storedBytes: 0 } as never, bytesKey(id), 0, resolveSettings({ store: {} as RelayStore, sodium: {} as never }), 0);
    });
    const topics = [topic, ...others];
    // 150 devices, acks arriving round-robin over three topics.
    const links = Array.from({ length: 150 }, (_, i) => {
      const l = link(i + 10).link;
      return { ...l, topic: topics[i % 3]! };
    });
    for (const l of links) batcher.ack(l, 1, true);
    await batcher.idle();
    expect(ackCalls.map((c) => c.length)).toEqual(chunkSizes(150));
    // Sorted, topic by topic (50 acks each): a chunk holds two topics only where one topic's acks end.
    const runs = ackCalls.map((c) => new Set(c.map((a) => a.topic[0])).size);
    const expected = chunkSizes(150).map((_, k) => new Set(Array.from({ length: Math.min(ACK_CHUNK, 150 - k * ACK_CHUNK) }, (_, i) => Math.floor((k * ACK_CHUNK + i) / 50))).size);
    expect(runs).toEqual(expected); // unsorted, every chunk would hold all three topics
    expect(runs.every((n) => n < 3)).toBe(true);
  });

  it('idle() commits acks at once, without waiting for the window', async () => {
    const { batcher, ackCalls, link } = setup(60_000);
    batcher.ack(link(2).link, 4, true);
    await batcher.idle();
    expect(ackCalls.length).toBe(1);
  });

  it('keeps committing acks after a sole publisher committed them early while the window timer ran', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let sole: DeviceKey | null = null;
      const { batcher, ackCalls, topic, link } = setup(20, () => ({ min: 0, minDevice: sole, second: 9 }));
      const publisher = link(2);
      sole = publisher.link.conn.device!;
      topic.registered = 1;
      const other = link(3);
      batcher.ack(other.link, 1, true); // starts the window timer
      batcher.publish(publisher.link, 1, new Uint8Array([1]), false); // commits queued acks early (own updates)
      // vi.waitFor would advance the fake clock; turns of the event loop do not.
      await turnsUntil(() => ackCalls.length === 1);
      vi.advanceTimersByTime(25); // the window timer fires with nothing left to commit
      await turns(5); // and the loop it scheduled runs
      batcher.ack(other.link, 2, true);
      vi.advanceTimersByTime(25);
      await turnsUntil(() => ackCalls.length === 2);
      expect(ackCalls[1]).toEqual([{ topic: topicId, device: other.link.conn.device, seq: 2 }]);
    } finally {
      vi.useRealTimers();
    }
  });
});
