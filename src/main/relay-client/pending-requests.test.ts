import { describe, expect, it } from 'vitest';
import { FrameType, RelayErrorCode } from '../../shared/frames.js';
import type { Seq, TopicId } from '../../shared/ids.js';
import { ok, err } from '../../shared/result.js';
import type { Timers } from './ack-coalescer.js';
import { PendingRequests, relayErrorName } from './pending-requests.js';
import type { ReplyFrame } from './pending-requests.js';

const topic = new Uint8Array(32).fill(7) as TopicId;
const seqOf = (f: ReplyFrame) => (f.type === FrameType.Published ? ok(f.seq as number) : err('UNEXPECTED_REPLY' as const, 'not PUBLISHED'));
const noTimers: Timers = { setTimeout: () => null, clearTimeout: () => undefined };

describe('PendingRequests', () => {
  it('matches replies to requests by reqId, whatever the order', async () => {
    const p = new PendingRequests(0, noTimers);
    const a = p.add(seqOf);
    const b = p.add(seqOf);
    expect(a.reqId).not.toBe(b.reqId);
    expect(p.settle({ type: FrameType.Published, reqId: b.reqId, topic, seq: 20 as Seq })).toBe(true);
    expect(p.settle({ type: FrameType.Published, reqId: a.reqId, topic, seq: 10 as Seq })).toBe(true);
    expect(await a.result).toEqual(ok(10));
    expect(await b.result).toEqual(ok(20));
    expect(p.size).toBe(0);
  });

  it('reports replies nobody waits for, including reqId 0 and a second reply', async () => {
    const p = new PendingRequests(0, noTimers);
    const a = p.add(seqOf);
    expect(p.settle({ type: FrameType.Ok, reqId: 0, topic: null })).toBe(false);
    expect(p.settle({ type: FrameType.Ok, reqId: a.reqId + 100, topic: null })).toBe(false);
    expect(p.settle({ type: FrameType.Published, reqId: a.reqId, topic, seq: 1 as Seq })).toBe(true);
    expect(p.settle({ type: FrameType.Published, reqId: a.reqId, topic, seq: 1 as Seq })).toBe(false);
    await a.result;
  });

  it('turns an ERROR into a Result error named after its code', async () => {
    const p = new PendingRequests(0, noTimers);
    const a = p.add(seqOf);
    p.settle({ type: FrameType.Error, reqId: a.reqId, code: RelayErrorCode.QUOTA, topic, message: 'topic full' });
    expect(await a.result).toEqual(err('QUOTA', 'topic full'));
  });

  it('maps a reply of the wrong kind to UNEXPECTED_REPLY', async () => {
    const p = new PendingRequests(0, noTimers);
    const a = p.add(seqOf);
    p.settle({ type: FrameType.Ok, reqId: a.reqId, topic: null });
    expect((await a.result).ok).toBe(false);
    expect(await a.result).toMatchObject({ code: 'UNEXPECTED_REPLY' });
  });

  it('fails every request with DISCONNECTED at once', async () => {
    const p = new PendingRequests(0, noTimers);
    const reqs = [p.add(seqOf), p.add(seqOf), p.add(seqOf)];
    p.failAll('DISCONNECTED', 'socket closed');
    for (const r of reqs) expect(await r.result).toMatchObject({ ok: false, code: 'DISCONNECTED' });
    expect(p.size).toBe(0);
  });

  it('times a request out and ignores its late reply', async () => {
    const fns: (() => void)[] = [];
    const timers: Timers = { setTimeout: (fn) => fns.push(fn), clearTimeout: () => undefined };
    const p = new PendingRequests(1000, timers);
    const a = p.add(seqOf);
    fns[0]!();
    expect(await a.result).toMatchObject({ ok: false, code: 'TIMEOUT' });
    expect(p.settle({ type: FrameType.Published, reqId: a.reqId, topic, seq: 1 as Seq })).toBe(false);
  });

  it('never hands out reqId 0 nor an id still in flight', () => {
    const p = new PendingRequests(0, noTimers);
    const ids = new Set(Array.from({ length: 1000 }, () => p.add(seqOf).reqId));
    expect(ids.size).toBe(1000);
    expect(ids.has(0)).toBe(false);
  });

  it('names unknown error codes UNKNOWN_ERROR', () => {
    expect(relayErrorName(RelayErrorCode.BAD_PROOF)).toBe('BAD_PROOF');
    expect(relayErrorName(999)).toBe('UNKNOWN_ERROR');
  });
});
