// The one acceptance suite every RelayStore adapter runs (memory.test.ts, sqlite.test.ts, ...).
// It pins the contract in types.ts: seqs, registrations, acks, the deletion rule, TTL gaps, counters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecordKind } from '../../src/shared/frames.js';
import { STORE_ID_BYTES } from '../../src/shared/ids.js';
import { deletionSuite } from './acceptance-deletion.js';
import { account, capability, device, hex, hexes, payload, publish, setupTopic, storedSeqs, topicId, type AcceptanceContext } from './acceptance-fixtures.js';
import { modelSuite } from './acceptance-model.js';
import type { RelayStore } from './types.js';

export type OpenedStore = { store: RelayStore; reopen?: () => Promise<RelayStore>; cleanup: () => Promise<void> };

export function relayStoreAcceptance(name: string, open: () => Promise<OpenedStore>, options: { persistent: boolean }): void {
  describe(`RelayStore acceptance: ${name}`, () => {
    let opened: OpenedStore;
    let current: RelayStore;
    const ctx: AcceptanceContext = {
      store: () => current,
      reopen: null,
      persistent: options.persistent,
    };
    beforeEach(async () => {
      opened = await open();
      current = opened.store;
      const reopen = opened.reopen;
      if (options.persistent && !reopen) throw new Error(`${name}: a persistent adapter must offer reopen`);
      ctx.reopen = reopen ? async () => (current = await reopen()) : null;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    coreSuite(ctx);
    deletionSuite(ctx);
    modelSuite(ctx);
  });
}

function coreSuite(ctx: AcceptanceContext): void {
  it('has a 16-byte store id that stays the same, also across reopen', async () => {
    const a = await ctx.store().storeId();
    expect(a.length).toBe(STORE_ID_BYTES);
    expect(hex(await ctx.store().storeId())).toBe(hex(a));
    if (!ctx.reopen) return; // the rest applies to persistent adapters only
    expect(hex(await (await ctx.reopen()).storeId())).toBe(hex(a));
  });

  it('creates topics idempotently and keeps the first capability and flags', async () => {
    const s = ctx.store();
    expect(await s.getTopic(topicId(1))).toBeNull();
    const created = await s.createTopic(topicId(1), capability(1), 5);
    expect(created).toMatchObject({ flags: 5, headSeq: 0, storedUpdates: 0, storedBytes: 0 });
    expect(hex(created.topic)).toBe(hex(topicId(1)));
    expect(hex(created.capability)).toBe(hex(capability(1)));
    const again = await s.createTopic(topicId(1), capability(9), 7);
    expect(again.flags).toBe(5);
    expect(hex(again.capability)).toBe(hex(capability(1)));
    expect((await s.getTopic(topicId(1)))?.flags).toBe(5);
    expect((await s.stats()).topics).toBe(1);
  });

  it('closes topics idempotently: the Closed flag is set and kept (also across reopen), the backlog stays', async () => {
    let s = ctx.store();
    expect(await s.closeTopic(topicId(1))).toBe(false);
    await s.createTopic(topicId(1), capability(1), 1);
    await s.append([{ topic: topicId(1), sender: device(1), payload: new Uint8Array([1]), createdAt: 1 }]);
    expect(await s.closeTopic(topicId(1))).toBe(true);
    expect(await s.closeTopic(topicId(1))).toBe(true);
    expect(await s.getTopic(topicId(1))).toMatchObject({ flags: 0x81, headSeq: 1, storedUpdates: 1 });
    expect((await s.createTopic(topicId(1), capability(1), 1)).flags).toBe(0x81);
    if (!ctx.reopen) return;
    s = await ctx.reopen();
    expect(await s.getTopic(topicId(1))).toMatchObject({ flags: 0x81, storedUpdates: 1 });
  });

  it('assigns contiguous seqs per topic from 1, in input order, across topics in one batch', async () => {
    const s = ctx.store();
    const [a, b] = [await setupTopic(s, 1), await setupTopic(s, 2)];
    const batch = [a, b, a, a, b].map((topic, i) => ({ topic, sender: device(i), payload: payload(i), createdAt: 100 + i }));
    expect(await s.append(batch)).toEqual([1, 1, 2, 3, 2]);
    expect(await s.append([{ topic: b, sender: device(9), payload: payload(9), createdAt: 200 }])).toEqual([3]);
    const read = await s.readAfter(a, 0, 10);
    expect(read.map((u) => u.seq)).toEqual([1, 2, 3]);
    expect(read.map((u) => u.createdAt)).toEqual([100, 102, 103]);
    expect(hexes(read.map((u) => u.sender))).toEqual(hexes([device(0), device(2), device(3)]));
    expect(read.map((u) => Array.from(u.payload))).toEqual([0, 2, 3].map((i) => Array.from(payload(i))));
    expect(hex(read[0]!.topic)).toBe(hex(a));
    expect((await s.getTopic(a))?.headSeq).toBe(3);
    expect((await s.getTopic(b))?.headSeq).toBe(3);
    expect(await s.append([])).toEqual([]);
  });

  it('rejects a batch naming an unknown topic and stores none of it', async () => {
    const s = ctx.store();
    const a = await setupTopic(s, 1);
    await expect(
      s.append([
        { topic: a, sender: device(1), payload: payload(1), createdAt: 1 },
        { topic: topicId(99), sender: device(1), payload: payload(2), createdAt: 1 },
      ]),
    ).rejects.toThrow();
    expect(await s.getTopic(a)).toMatchObject({ headSeq: 0, storedUpdates: 0 });
    expect(await publish(s, a, [1])).toEqual([1]);
  });

  it('reads after a seq in order, at most limit', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1);
    await publish(s, t, [1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    expect((await s.readAfter(t, 0, 3)).map((u) => u.seq)).toEqual([1, 2, 3]);
    expect((await s.readAfter(t, 7, 100)).map((u) => u.seq)).toEqual([8, 9, 10]);
    expect(await s.readAfter(t, 10, 5)).toEqual([]);
    expect(await s.readAfter(t, 0, 0)).toEqual([]);
    expect(await s.readAfter(topicId(42), 0, 5)).toEqual([]);
  });

  it('answers oldestSeq and countAfter, also around holes', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1, 2]);
    expect(await s.oldestSeq(t)).toBeNull();
    expect(await s.countAfter(t, 0)).toBe(0);
    await publish(s, t, [2, 1, 2, 2, 2]); // seq 2 is device 1's
    expect(await s.oldestSeq(t)).toBe(1);
    expect(await Promise.all([0, 2, 5, 9].map((n) => s.countAfter(t, n)))).toEqual([5, 3, 0, 0]);
    await s.ack([{ topic: t, device: device(2), seq: 2 }]); // deletes 2 only (1 waits for device 1)
    expect(await storedSeqs(s, t)).toEqual([1, 3, 4, 5]);
    expect(await Promise.all([0, 1, 2, 3].map((n) => s.countAfter(t, n)))).toEqual([4, 3, 3, 2]);
    await s.ack([{ topic: t, device: device(1), seq: 3 }]);
    expect(await s.oldestSeq(t)).toBe(4);
    expect(await s.countAfter(t, 0)).toBe(2);
    expect(await s.oldestSeq(topicId(42))).toBeNull();
    expect(await s.countAfter(topicId(42), 0)).toBe(0);
  });

  it('registers idempotently: existing cursors stay, new ones start at initialCursor (clamped to head)', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1);
    await publish(s, t, [9, 9, 9, 9, 9]);
    expect(hexes(await s.register(t, [device(1), device(2)], 2))).toEqual(hexes([device(1), device(2)]));
    await s.ack([{ topic: t, device: device(1), seq: 4 }]);
    expect(hexes(await s.register(t, [device(1), device(3), device(3)], 1))).toEqual(hexes([device(3)]));
    expect(await s.getRegistration(t, device(1))).toMatchObject({ cursor: 4, gapFrom: 0 });
    expect(await s.getRegistration(t, device(2))).toMatchObject({ cursor: 2 });
    expect(await s.getRegistration(t, device(3))).toMatchObject({ cursor: 1 });
    expect(hexes(await s.register(t, [device(4)], 100))).toEqual(hexes([device(4)]));
    expect((await s.getRegistration(t, device(4)))?.cursor).toBe(5);
    const regs = await s.registrations(t);
    expect(hexes(regs.map((r) => r.device)).sort()).toEqual(hexes([1, 2, 3, 4].map(device)).sort());
    expect(await s.getRegistration(t, device(8))).toBeNull();
    expect(await s.registrations(topicId(42))).toEqual([]);
    await expect(s.register(topicId(42), [device(1)], 0)).rejects.toThrow();
  });

  it('acks cumulatively and idempotently, capped at headSeq; unregistered acks change nothing', async () => {
    const s = ctx.store();
    const t = await setupTopic(s, 1, [1, 2]);
    await publish(s, t, [3, 3, 3, 3, 3]);
    const r = await s.ack([
      { topic: t, device: device(1), seq: 3 },
      { topic: t, device: device(1), seq: 2 },
      { topic: t, device: device(1), seq: 3 },
      { topic: t, device: device(2), seq: 50 },
      { topic: t, device: device(7), seq: 4 },
      { topic: topicId(42), device: device(1), seq: 4 },
    ]);
    expect(r.map((x) => [x.cursor, x.registered])).toEqual([
      [3, true],
      [3, true],
      [3, true],
      [5, true],
      [0, false],
      [0, false],
    ]);
    expect(r.map((x) => hex(x.device))).toEqual(hexes([1, 1, 1, 2, 7, 1].map(device)));
    expect((await s.getRegistration(t, device(1)))?.cursor).toBe(3);
    expect((await s.getRegistration(t, device(2)))?.cursor).toBe(5);
    expect(await s.getRegistration(t, device(7))).toBeNull();
    expect(await s.ack([])).toEqual([]);
  });

  it('keeps only strictly newer records', async () => {
    const s = ctx.store();
    const rec = (version: number, n: number) => ({ kind: RecordKind.Profile, account: account(1), version, bytes: payload(n, 40) });
    expect(await s.getRecord(RecordKind.Profile, account(1))).toBeNull();
    expect(await s.putRecord(rec(2, 1))).toBe(true);
    expect(await s.putRecord(rec(2, 2))).toBe(false);
    expect(await s.putRecord(rec(1, 3))).toBe(false);
    expect(Array.from((await s.getRecord(RecordKind.Profile, account(1)))!.bytes)).toEqual(Array.from(payload(1, 40)));
    expect(await s.putRecord(rec(3, 4))).toBe(true);
    const got = await s.getRecord(RecordKind.Profile, account(1));
    expect(got).toMatchObject({ kind: RecordKind.Profile, version: 3 });
    expect(hex(got!.account)).toBe(hex(account(1)));
    expect(Array.from(got!.bytes)).toEqual(Array.from(payload(4, 40)));
    expect(await s.getRecord(RecordKind.DeviceList, account(1))).toBeNull();
    expect(await s.putRecord({ kind: RecordKind.DeviceList, account: account(1), version: 1, bytes: new Uint8Array(0) })).toBe(true);
    expect((await s.getRecord(RecordKind.DeviceList, account(1)))?.bytes.length).toBe(0);
  });

  it('round-trips payload bytes exactly: empty, every byte value, 256 KiB', async () => {
    const s = ctx.store();
    const topic = await setupTopic(s, 1);
    const big = new Uint8Array(256 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919 + (i >> 8)) & 0xff;
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const payloads = [new Uint8Array(0), all, big];
    await s.append(payloads.map((p) => ({ topic, sender: device(1), payload: p, createdAt: 1 })));
    const check = async (store: RelayStore) => {
      const read = await store.readAfter(topic, 0, 10);
      expect(read.map((u) => u.payload.length)).toEqual([0, 256, big.length]);
      read.forEach((u, i) => expect(Buffer.from(u.payload).equals(Buffer.from(payloads[i]!))).toBe(true));
      expect((await store.getTopic(topic))?.storedBytes).toBe(256 + big.length);
    };
    await check(s);
    if (!ctx.reopen) return; // the rest applies to persistent adapters only
    await check(await ctx.reopen());
  });

  if (ctx.persistent) it('keeps topics, seqs, registrations, gaps and records across reopen', async () => {
    if (!ctx.reopen) throw new Error('persistent adapter without reopen');
    let s = ctx.store();
    const topic = await setupTopic(s, 1, [1, 2]);
    await publish(s, topic, [1, 1, 2]);
    await s.ack([{ topic, device: device(2), seq: 2 }]); // deletes 1 and 2 (device 1's, acked by 2)
    await s.expire(2_000); // seq 3 (device 2's) expires; device 1 gets a gap
    await s.putRecord({ kind: RecordKind.Profile, account: account(1), version: 4, bytes: payload(1) });
    const before = { topic: await s.getTopic(topic), regs: await s.registrations(topic), stats: await s.stats() };
    s = await ctx.reopen();
    expect(await s.getTopic(topic)).toEqual(before.topic);
    expect(await s.registrations(topic)).toEqual(before.regs);
    expect(await s.stats()).toEqual(before.stats);
    expect(before.regs.map((r) => [r.cursor, r.gapFrom])).toEqual([
      [0, 3],
      [2, 0],
    ]);
    expect(await publish(s, topic, [1])).toEqual([4]);
    expect((await s.getRecord(RecordKind.Profile, account(1)))?.version).toBe(4);
  });
}
