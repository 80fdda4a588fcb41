// SUBSCRIBE's backlog replay against a recording connection: live updates that arrive while the
// backlog is read are sent after it, once each, as the prepared frames the fan-out built (commit 6884f95:
// they used to go through conn.send, which framed them a second time and the client dropped them).
import { describe, expect, it } from 'vitest';
import { decodeRelayFrame, encodeUpdateFrame } from '../src/shared/codec.js';
import { FrameType } from '../src/shared/frames.js';
import type { RelayFrame } from '../src/shared/frames.js';
import type { CapabilityKey, DeviceKey, TopicId } from '../src/shared/ids.js';
import type { Connection } from './connection.js';
import { resolveSettings } from './core.js';
import { bytesKey } from './delivery.js';
import { TopicState } from './hub.js';
import type { TopicLink } from './hub.js';
import { Metrics } from './metrics.js';
import { subscribe } from './replay.js';
import { createMemoryStore } from './store/memory.js';
import type { RelayStore } from './store/types.js';
import { RAW_WIRE } from './wire.js';

const topicId = new Uint8Array(32).fill(7) as TopicId;
const reader = new Uint8Array(32).fill(1) as DeviceKey;
const writer = new Uint8Array(32).fill(2) as DeviceKey;
const payload = (n: number): Uint8Array => new Uint8Array([n, n, n]);

type Sent = { kind: 'send'; frame: RelayFrame } | { kind: 'prepared'; buffer: Buffer } | { kind: 'frame'; frame: RelayFrame };

function decoded(bytes: Uint8Array): RelayFrame {
  const r = decodeRelayFrame(bytes);
  if (!r.ok) throw new Error(`undecodable frame: ${r.code}`);
  return r.value;
}

describe('relay replay', () => {
  it('sends live updates buffered during the backlog replay after it, as the prepared frames, skipping seqs the backlog had', async () => {
    const memory = createMemoryStore();
    await memory.createTopic(topicId, new Uint8Array(32) as CapabilityKey, 0);
    await memory.register(topicId, [reader, writer], 0);
    await memory.append([1, 2].map((n) => ({ topic: topicId, sender: writer, payload: payload(n), createdAt: n })));
    const settings = resolveSettings({ store: memory, sodium: {} as never });
    const topic = new TopicState((await memory.getTopic(topicId))!, bytesKey(topicId), 2, settings, 0);

    const sent: Sent[] = [];
    const links = new Map<string, TopicLink>();
    const prepared = new Map<number, Buffer>();
    let link: TopicLink | null = null;
    // While the backlog is read, the batcher fans out seq 2 again (committed before the read) and a new seq 3.
    const store: RelayStore = {
      ...memory,
      readAfter: async (t, after, limit) => {
        const updates = await memory.readAfter(t, after, limit);
        if (after === 0) {
          const [seq3] = await memory.append([{ topic: topicId, sender: writer, payload: payload(3), createdAt: 3 }]);
          topic.headSeq = seq3!;
          for (const seq of [2, seq3!]) {
            const frame = RAW_WIRE.prepare(encodeUpdateFrame(topicId, seq, writer, seq, payload(seq)));
            prepared.set(seq, frame);
            link!.replay!.seqs.push(seq);
            link!.replay!.frames.push(frame);
          }
        }
        return updates;
      },
    };
    const conn = {
      device: reader,
      deviceKey: bytesKey(reader),
      closed: false,
      links,
      core: { store, settings, metrics: new Metrics(), batcher: {} },
      send: (bytes: Uint8Array) => sent.push({ kind: 'send', frame: decoded(bytes) }),
      sendPrepared: (buffer: Buffer) => sent.push({ kind: 'prepared', buffer }),
      sendFrame: (frame: RelayFrame) => sent.push({ kind: 'frame', frame }),
      error: (_reqId: number, code: string) => {
        throw new Error(`unexpected ERROR ${code}`);
      },
    } as unknown as Connection;
    link = { conn, topic, capable: true, subscribed: false, replay: null, pending: null, ackTo: -1, ackReply: false };
    links.set(topic.key, link);

    await subscribe(conn, { type: FrameType.Subscribe, reqId: 5, topic: topicId, cursor: 0 });

    const summary = sent.map((s) => {
      if (s.kind === 'prepared') return `prepared ${[...prepared].find(([, b]) => b === s.buffer)?.[0] ?? 'unknown buffer'}`;
      const f = s.frame;
      if (f.type === FrameType.Update) return `${s.kind} UPDATE ${f.seq}`;
      if (f.type === FrameType.CaughtUp) return `${s.kind} CAUGHT_UP ${f.headSeq}`;
      return `${s.kind} ${f.type}`;
    });
    expect(summary).toEqual([`frame ${FrameType.Ok}`, 'send UPDATE 1', 'send UPDATE 2', 'prepared 3', 'frame CAUGHT_UP 3']);
    // A prepared frame is a whole WebSocket frame: its payload is the UPDATE, framed once.
    const frame3 = prepared.get(3)!;
    expect(decoded(frame3.subarray(2))).toMatchObject({ type: FrameType.Update, seq: 3 });
    expect(link.replay).toBeNull();
    expect(topic.subscribers.has(link)).toBe(true);
  });
});
