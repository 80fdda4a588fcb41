import { describe, expect, it } from 'vitest';
import { FrameType } from '../../shared/frames.js';
import type { UpdateFrame } from '../../shared/frames.js';
import type { DeviceKey, Seq, StoreId, TopicId } from '../../shared/ids.js';
import type { CursorAdvance, DocRegistry, RemoteUpdate } from './doc-registry.js';
import { InboundQueues } from './inbound.js';
import type { Step } from './inbound.js';
import { silentLogger } from './logger.js';
import type { RelayPool } from './relay-pool.js';
import { waitFor } from '../../../tests/integration/helpers/wait.js';

const TOPIC = new Uint8Array(32).fill(1) as TopicId;
const STORE = new Uint8Array(16) as StoreId;
const frame = (seq: number): UpdateFrame => ({ type: FrameType.Update, topic: TOPIC, seq: seq as Seq, sender: new Uint8Array(32) as DeviceKey, createdAt: 0, payload: new Uint8Array([seq]) });
const apply = (seq: number): Step => ({ kind: 'apply', update: { doc: 'd', update: new Uint8Array([seq]), author: null } });

type Preverify = (frames: UpdateFrame[]) => Promise<void>;

function harness(decide: (f: UpdateFrame) => Step | Promise<Step>, options: { failOn?: number; retryMs?: number; preverify?: Preverify; maxBatch?: number } = {}) {
  const commits: { updates: number[]; cursor: number }[] = [];
  const acks: number[] = [];
  const registry = {
    remote(updates: readonly RemoteUpdate[], cursors: readonly CursorAdvance[]) {
      if (options.failOn !== undefined && updates.some((u) => u.update[0] === options.failOn)) throw new Error('does not apply');
      commits.push({ updates: updates.map((u) => u.update[0]!), cursor: cursors[0]!.seq });
    },
  } as unknown as DocRegistry;
  const pool = { ack: (_url: string, _topic: TopicId, seq: number) => acks.push(seq) } as unknown as RelayPool;
  const q = new InboundQueues({ registry, pool, log: silentLogger, decide: (_u, f) => decide(f), retryMs: options.retryMs ?? 10, idle: () => undefined, preverify: options.preverify, maxBatch: options.maxBatch });
  return { q, commits, acks };
}

describe('inbound queues', () => {
  it('commits decided runs in one transaction each and acks the last seq after it', async () => {
    const h = harness((f) => (f.seq === 2 ? { kind: 'skip' } : apply(f.seq)));
    for (let s = 1; s <= 4; s++) h.q.push('ws://r', STORE, frame(s));
    await waitFor(() => !h.q.busy());
    expect(h.commits).toEqual([{ updates: [1, 3, 4], cursor: 4 }]);
    expect(h.acks).toEqual([4]);
  });

  it('holds everything after an undecided update, and retries a stall without acking past it (acks are cumulative)', async () => {
    let answered = false;
    const h = harness((f) => {
      if (f.seq !== 2) return apply(f.seq);
      if (!answered) {
        answered = true;
        return Promise.resolve({ kind: 'stall' });
      }
      return Promise.resolve(apply(2));
    }, { retryMs: 300 });
    for (let s = 1; s <= 3; s++) h.q.push('ws://r', STORE, frame(s));
    await waitFor(() => h.acks.length >= 1);
    expect(h.acks).toEqual([1]);
    await waitFor(() => !h.q.busy());
    expect(h.commits.map((c) => c.cursor)).toEqual([1, 3]);
    expect(h.acks).toEqual([1, 3]);
  });

  it('an update Yjs refuses is dropped alone; the rest of its run is kept', async () => {
    const h = harness((f) => apply(f.seq), { failOn: 2 });
    for (let s = 1; s <= 3; s++) h.q.push('ws://r', STORE, frame(s));
    await waitFor(() => !h.q.busy());
    expect(h.commits).toEqual([
      { updates: [1], cursor: 1 },
      { updates: [], cursor: 2 },
      { updates: [3], cursor: 3 },
    ]);
    expect(h.acks).toEqual([3]);
  });

  it('clear() forgets what a closed socket had queued', async () => {
    let release: (s: Step) => void = () => undefined;
    const h = harness((f) => (f.seq === 1 ? new Promise<Step>((r) => (release = r)) : apply(f.seq)));
    h.q.push('ws://r', STORE, frame(1));
    h.q.push('ws://r', STORE, frame(2));
    h.q.clear('ws://r');
    release(apply(1));
    await waitFor(() => !h.q.busy());
    expect(h.commits).toEqual([]);
    expect(h.acks).toEqual([]);
  });

  it('checks a backlog ahead, the next batch before the current one is decided, and a live frame in place', async () => {
    const checked: number[][] = [];
    const decidedAfter: number[] = [];
    const preverify: Preverify = async (frames) => void checked.push(frames.map((f) => f.seq));
    const h = harness((f) => {
      decidedAfter.push(checked.length);
      return apply(f.seq);
    }, { preverify, maxBatch: 20 });
    for (let s = 1; s <= 50; s++) h.q.push('ws://r', STORE, frame(s));
    await waitFor(() => !h.q.busy());
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
    expect(checked).toEqual([range(1, 20), range(21, 40), range(41, 50)]);
    // Frame 1 is decided once two batches are being checked (its own and the next).
    expect(decidedAfter[0]).toBe(2);
    expect(h.commits.map((c) => c.cursor)).toEqual([20, 40, 50]);
    expect(h.acks).toEqual([20, 40, 50]);
    h.q.push('ws://r', STORE, frame(51));
    await waitFor(() => !h.q.busy());
    expect(checked).toHaveLength(3);
    expect(h.acks).toEqual([20, 40, 50, 51]);
  });
});
