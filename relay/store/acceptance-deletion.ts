// Acceptance cases for the deletion rule, the cursor floor, unregistering, TTL expiry and counters.
import { expect, it } from 'vitest';
import { ack, device, hex, hexes, publish, setupTopic, storedSeqs, topicId, type AcceptanceContext } from './acceptance-fixtures.js';
import type { TopicId } from '../../src/shared/ids.js';
import type { CursorFloor, RelayStore } from './types.js';

const floorOf = (f: CursorFloor) => ({ min: f.min, minDevice: f.minDevice ? hex(f.minDevice) : null, second: f.second });

export function deletionSuite(ctx: AcceptanceContext): void {
  it('deletes an update once every registered device other than its sender has it', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1, 2, 3]);
    await publish(s, t, [1, 1]);
    expect((await ack(s, t, 2, 2)).deleted).toEqual([]);
    expect((await ack(s, t, 3, 1)).deleted).toEqual([1]);
    expect(await storedSeqs(s, t)).toEqual([2]);
    expect((await ack(s, t, 3, 2)).deleted).toEqual([2]);
    expect(await storedSeqs(s, t)).toEqual([]);
  });

  it('deletes out of order: a later update of the lowest device goes before an earlier one it lacks', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1, 2]);
    await publish(s, t, [2, 1]); // B publishes 1, A publishes 2
    const r = await ack(s, t, 2, 2); // B acks 2: seq 2 is held by everyone but its sender A
    expect(r.deleted).toEqual([2]);
    expect(await storedSeqs(s, t)).toEqual([1]);
    expect(floorOf(r.floor)).toEqual({ min: 0, minDevice: hex(device(1)), second: 2 });
    expect((await ack(s, t, 1, 1)).deleted).toEqual([1]);
    expect(await storedSeqs(s, t)).toEqual([]);
  });

  it('deletes nothing while no device is registered: updates wait for their TTL', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1);
    await publish(s, t, [1, 2]);
    const r = await ack(s, t, 1, 2);
    expect(r).toMatchObject({ registered: false, deleted: [] });
    expect(await storedSeqs(s, t)).toEqual([1, 2]);
    expect((await s.unregister(t, [device(1)])).deleted).toEqual([]);
    expect(await storedSeqs(s, t)).toEqual([1, 2]);
  });

  it('treats a sole registered device as having everything it sent', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1]);
    await publish(s, t, [1, 1, 2]);
    expect((await ack(s, t, 1, 1)).deleted).toEqual([1, 2]);
    expect(await storedSeqs(s, t)).toEqual([3]);
  });

  it('runs the deletion pass on an ack that moves no cursor (the relay acks 0 for a sole publisher)', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1]);
    await publish(s, t, [1, 1]);
    const r = await ack(s, t, 1, 0);
    expect(r).toMatchObject({ cursor: 0, registered: true, deleted: [1, 2] });
    expect(await storedSeqs(s, t)).toEqual([]);
  });

  it('deletes on unregister what no longer waits for anyone, and nothing once nobody is left', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1, 2, 3]);
    await publish(s, t, [1, 1, 1]);
    await ack(s, t, 2, 3);
    const r = await s.unregister(t, [device(3), device(8)]);
    expect(hexes(r.removed)).toEqual(hexes([device(3)]));
    expect(r.deleted).toEqual([1, 2, 3]);
    expect(floorOf(r.floor)).toEqual({ min: 0, minDevice: hex(device(1)), second: 3 });
    await publish(s, t, [2]);
    const gone = await s.unregister(t, [device(1), device(2)]);
    expect(gone.deleted).toEqual([]);
    expect(floorOf(gone.floor)).toEqual({ min: 4, minDevice: null, second: 4 });
    expect(await storedSeqs(s, t)).toEqual([4]);
    expect(await s.registrations(t)).toEqual([]);
    expect(await s.unregister(topicId(42), [device(1)])).toMatchObject({ removed: [], deleted: [] });
  });

  it('runs one deletion per topic per ack batch, reported on its last registered ack', async () => {
    const s = ctx.store();
    const [t1, t2] = [await setupTopic(s, 1, [1, 2, 3]), await setupTopic(s, 2, [1, 2])];
    await publish(s, t1, [1]);
    await publish(s, t2, [1]);
    const r = await s.ack([
      { topic: t1, device: device(2), seq: 1 },
      { topic: t2, device: device(2), seq: 1 },
      { topic: t1, device: device(3), seq: 1 },
      { topic: t1, device: device(9), seq: 1 },
    ]);
    expect(r.map((x) => x.deleted)).toEqual([[], [1], [1], []]);
    const f1 = floorOf(await s.cursorFloor(t1));
    expect(f1).toEqual({ min: 0, minDevice: hex(device(1)), second: 1 });
    expect([r[0], r[2], r[3]].map((x) => floorOf(x!.floor))).toEqual([f1, f1, f1]);
    expect(floorOf(r[1]!.floor)).toEqual(floorOf(await s.cursorFloor(t2)));
  });

  it('reports the cursor floor for 0, 1 and many registrations, with ties', async () => {
    const s = ctx.store();
    expect(floorOf(await s.cursorFloor(topicId(42)))).toEqual({ min: 0, minDevice: null, second: 0 });
    const t = await setupTopic(s, 1);
    await publish(s, t, [9, 9, 9]);
    expect(floorOf(await s.cursorFloor(t))).toEqual({ min: 3, minDevice: null, second: 3 });
    await s.register(t, [device(2)], 1);
    expect(floorOf(await s.cursorFloor(t))).toEqual({ min: 1, minDevice: hex(device(2)), second: 3 });
    await s.register(t, [device(1), device(3)], 2);
    expect(floorOf(await s.cursorFloor(t))).toEqual({ min: 1, minDevice: hex(device(2)), second: 2 });
    await ack(s, t, 2, 2); // three devices at 2: a tie at the bottom
    const tie = await s.cursorFloor(t);
    expect([tie.min, tie.second]).toEqual([2, 2]);
    expect(hexes([device(1), device(2), device(3)])).toContain(hex(tie.minDevice!));
    await ack(s, t, 1, 3);
    await ack(s, t, 2, 3);
    expect(floorOf(await s.cursorFloor(t))).toEqual({ min: 2, minDevice: hex(device(3)), second: 3 });
    await publish(s, t, [9]);
    await s.unregister(t, [device(1), device(2)]);
    expect(floorOf(await s.cursorFloor(t))).toEqual({ min: 2, minDevice: hex(device(3)), second: 4 });
  });

  it('never reuses a seq after deletion, also across reopen', async () => {
    let s = ctx.store();
    const t = await setupTopic(s, 1, [1, 2]);
    await publish(s, t, [1, 1, 1]);
    expect((await ack(s, t, 2, 3)).deleted).toEqual([1, 2, 3]);
    expect(await s.getTopic(t)).toMatchObject({ headSeq: 3, storedUpdates: 0, storedBytes: 0 });
    expect(await s.oldestSeq(t)).toBeNull();
    expect(await publish(s, t, [1])).toEqual([4]);
    expect((await ack(s, t, 2, 4)).deleted).toEqual([4]);
    if (!ctx.reopen) return; // the rest applies to persistent adapters only
    s = await ctx.reopen();
    expect(await publish(s, t, [1])).toEqual([5]);
    expect((await ack(s, t, 2, 5)).deleted).toEqual([5]);
  });

  it('expires old updates and marks gaps on devices that lacked them, never on the sender', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1, 2, 3]);
    const quiet = await setupTopic(s, 2);
    await publish(s, t, [1, 2], 1_000); // A: 1, B: 2
    await publish(s, t, [1], 5_000); // A: 3
    await publish(s, t, [2], 9_000); // B: 4
    await publish(s, quiet, [5], 1_500);
    await ack(s, t, 3, 1);
    const r = await s.expire(2_000);
    expect(sortDeleted(r.deleted)).toEqual(sortDeleted([{ topic: t, seqs: [1, 2] }, { topic: quiet, seqs: [1] }]));
    expect(sortGaps(r.gapped)).toEqual(sortGaps([g(t, 1, 2, 2), g(t, 2, 1, 1), g(t, 3, 2, 2)]));
    expect(await gapsOf(s, t)).toEqual([2, 1, 2]);
    expect(await storedSeqs(s, t)).toEqual([3, 4]);
    const r2 = await s.expire(6_000); // seq 3 is A's: B and C lack it; B's earlier gap start stays
    expect(sortGaps(r2.gapped)).toEqual(sortGaps([g(t, 2, 3, 3), g(t, 3, 3, 3)]));
    expect(await gapsOf(s, t)).toEqual([2, 1, 2]);
    await s.clearGap(t, device(2));
    await s.clearGap(topicId(42), device(2));
    expect(await gapsOf(s, t)).toEqual([2, 0, 2]);
    expect(await s.expire(6_000)).toEqual({ deleted: [], gapped: [] });
    expect(await s.getTopic(t)).toMatchObject({ headSeq: 4, storedUpdates: 1, storedBytes: 8 });
    expect((await ack(s, t, 1, 4)).deleted).toEqual([]);
    expect((await ack(s, t, 3, 4)).deleted).toEqual([4]);
  });

  it('keeps topic counters and stats right through append, ack, expire and unregister', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1, 2, 3]);
    const u = await setupTopic(s, 2);
    const check = async (tUpdates: number, tBytes: number, uUpdates: number, uBytes: number) => {
      expect(await s.getTopic(t)).toMatchObject({ storedUpdates: tUpdates, storedBytes: tBytes });
      expect(await s.getTopic(u)).toMatchObject({ storedUpdates: uUpdates, storedBytes: uBytes });
      expect(await s.stats()).toEqual({ topics: 2, storedUpdates: tUpdates + uUpdates, storedBytes: tBytes + uBytes });
    };
    await check(0, 0, 0, 0);
    await publish(s, t, [1, 2, 1, 2], 1_000); // sizes 8, 9, 10, 11
    await publish(s, u, [1, 1], 1_000); // sizes 8, 9
    await check(4, 38, 2, 17);
    await s.ack([{ topic: t, device: device(2), seq: 4 }]); // A's 1 and 3 wait for C; B's wait for A, C
    await check(4, 38, 2, 17);
    await s.ack([{ topic: t, device: device(3), seq: 3 }]); // 1 (A's), 3 (A's) held by B and C
    expect(await storedSeqs(s, t)).toEqual([2, 4]);
    await check(2, 20, 2, 17);
    await s.expire(1_001);
    await check(0, 0, 0, 0);
    await publish(s, t, [3, 3], 3_000);
    await s.unregister(t, [device(1), device(2)]);
    await check(0, 0, 0, 0);
  });
}

function g(topic: Uint8Array, dev: number, fromSeq: number, toSeq: number) {
  return { topic, device: device(dev), fromSeq, toSeq };
}

function sortGaps(gaps: { topic: Uint8Array; device: Uint8Array; fromSeq: number; toSeq: number }[]): string[] {
  return gaps.map((x) => `${hex(x.topic)} ${hex(x.device)} ${x.fromSeq}-${x.toSeq}`).sort();
}

function sortDeleted(deleted: { topic: Uint8Array; seqs: number[] }[]): string[] {
  return deleted.map((x) => `${hex(x.topic)} ${[...x.seqs].sort((a, b) => a - b).join(',')}`).sort();
}

async function gapsOf(s: RelayStore, t: TopicId): Promise<number[]> {
  const regs = await s.registrations(t);
  return [1, 2, 3].map((n) => regs.find((r) => hex(r.device) === hex(device(n)))?.gapFrom ?? -1);
}
