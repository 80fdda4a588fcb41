// A randomized check of an adapter against a naive reference model of the contract: the model
// applies the deletion rule by scanning everything, so incremental shortcuts in adapters must agree.
import { expect, it } from 'vitest';
import { device, hex, payload, prng, setupTopic, topicId, type AcceptanceContext } from './acceptance-fixtures.js';
import type { AckInput, AppendInput, CursorFloor, RelayStore } from './types.js';

type ModelUpdate = { seq: number; sender: number; createdAt: number; payload: Uint8Array };
type ModelReg = { cursor: number; gapFrom: number };
type ModelTopic = { head: number; updates: ModelUpdate[]; regs: Map<number, ModelReg> };

const TOPICS = [1, 2, 3];

function modelDelete(t: ModelTopic): number[] {
  if (t.regs.size === 0) return [];
  const regs = [...t.regs];
  const gone = t.updates.filter((u) => regs.every(([d, r]) => d === u.sender || r.cursor >= u.seq));
  t.updates = t.updates.filter((u) => !gone.includes(u));
  return gone.map((u) => u.seq);
}

function modelFloor(t: ModelTopic | undefined) {
  if (!t) return { min: 0, minDevice: null, second: 0 };
  const regs = [...t.regs].sort(([da, a], [db, b]) => a.cursor - b.cursor || da - db);
  const [a, b] = regs;
  if (!a) return { min: t.head, minDevice: null, second: t.head };
  return { min: a[1].cursor, minDevice: hex(device(a[0])), second: b ? b[1].cursor : t.head };
}

const floorKey = (f: CursorFloor) => ({ min: f.min, minDevice: f.minDevice ? hex(f.minDevice) : null, second: f.second });

async function compareAll(s: RelayStore, model: Map<number, ModelTopic>): Promise<void> {
  let updates = 0;
  let bytes = 0;
  for (const [n, t] of model) {
    const read = await s.readAfter(topicId(n), 0, 1_000_000);
    expect(read.map((u) => `${u.seq}:${hex(u.sender)}:${u.createdAt}:${hex(u.payload)}`)).toEqual(
      t.updates.map((u) => `${u.seq}:${hex(device(u.sender))}:${u.createdAt}:${hex(u.payload)}`),
    );
    const size = t.updates.reduce((sum, u) => sum + u.payload.length, 0);
    expect(await s.getTopic(topicId(n))).toMatchObject({ headSeq: t.head, storedUpdates: t.updates.length, storedBytes: size });
    const regs = (await s.registrations(topicId(n))).map((r) => `${hex(r.device)}:${r.cursor}:${r.gapFrom}`).sort();
    expect(regs).toEqual([...t.regs].map(([d, r]) => `${hex(device(d))}:${r.cursor}:${r.gapFrom}`).sort());
    expect(floorKey(await s.cursorFloor(topicId(n)))).toEqual(modelFloor(t));
    expect(await s.oldestSeq(topicId(n))).toBe(t.updates[0]?.seq ?? null);
    const after = Math.floor(t.head / 2);
    expect(await s.countAfter(topicId(n), after)).toBe(t.updates.filter((u) => u.seq > after).length);
    updates += t.updates.length;
    bytes += size;
  }
  expect(await s.stats()).toEqual({ topics: model.size, storedUpdates: updates, storedBytes: bytes });
}

// Few devices make floors, ties and changes of the lowest device frequent; more make them rarer.
const SCENARIOS = [
  { seed: 20261123, devices: [1, 2, 3, 4, 5], steps: 600 },
  { seed: 7, devices: [1, 2, 3], steps: 600 },
  { seed: 99, devices: [1, 2], steps: 400 },
];

export function modelSuite(ctx: AcceptanceContext): void {
  it.each(SCENARIOS)('agrees with a reference model: seed $seed, $devices.length devices, $steps operations', async ({ seed, devices: DEVICES, steps }) => {
    const rnd = prng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    let s = ctx.store();
    const model = new Map<number, ModelTopic>();
    for (const n of TOPICS) {
      await setupTopic(s, n);
      model.set(n, { head: 0, updates: [], regs: new Map() });
    }
    let clock = 1_000;
    for (let step = 0; step < steps; step++) {
      const r = rnd();
      if (r < 0.35) {
        const batch: AppendInput[] = [];
        const expected: number[] = [];
        for (let i = int(1, 6); i > 0; i--) {
          const n = pick(TOPICS);
          const t = model.get(n)!;
          const u = { seq: ++t.head, sender: pick(DEVICES), createdAt: (clock += int(0, 3)), payload: payload(step + i, int(0, 20)) };
          t.updates.push(u);
          expected.push(u.seq);
          batch.push({ topic: topicId(n), sender: device(u.sender), createdAt: u.createdAt, payload: u.payload });
        }
        expect(await s.append(batch)).toEqual(expected);
      } else if (r < 0.65) {
        const batch: (AckInput & { n: number; d: number })[] = [];
        for (let i = int(1, 5); i > 0; i--) {
          const n = pick([...TOPICS, 4]);
          const d = pick(DEVICES);
          batch.push({ topic: topicId(n), device: device(d), seq: int(0, (model.get(n)?.head ?? 0) + 2), n, d });
        }
        const expected = batch.map((a) => {
          const t = model.get(a.n);
          const reg = t?.regs.get(a.d);
          if (!t || !reg) return { cursor: 0, registered: false, deleted: [] as number[], deletedBytes: 0 };
          reg.cursor = Math.min(Math.max(reg.cursor, a.seq), t.head);
          return { cursor: reg.cursor, registered: true, deleted: [] as number[], deletedBytes: 0 };
        });
        const size = (t: ModelTopic): number => t.updates.reduce((sum, u) => sum + u.payload.length, 0);
        for (const n of new Set(batch.map((a) => a.n))) {
          const last = batch.findLastIndex((a, i) => a.n === n && expected[i]!.registered);
          if (last < 0) continue;
          const before = size(model.get(n)!);
          expected[last]!.deleted = modelDelete(model.get(n)!);
          expected[last]!.deletedBytes = before - size(model.get(n)!);
        }
        const got = await s.ack(batch.map(({ topic, device: dev, seq }) => ({ topic, device: dev, seq })));
        expect(got.map((x) => ({ cursor: x.cursor, registered: x.registered, deleted: x.deleted, deletedBytes: x.deletedBytes }))).toEqual(expected);
        expect(got.map((x) => floorKey(x.floor))).toEqual(batch.map((a) => modelFloor(model.get(a.n))));
      } else if (r < 0.8) {
        const n = pick(TOPICS);
        const t = model.get(n)!;
        const devs = [pick(DEVICES), pick(DEVICES)];
        const initial = int(0, t.head + 1);
        const added = [...new Set(devs)].filter((d) => !t.regs.has(d));
        for (const d of added) t.regs.set(d, { cursor: Math.min(initial, t.head), gapFrom: 0 });
        expect((await s.register(topicId(n), devs.map(device), initial)).map(hex)).toEqual(added.map((d) => hex(device(d))));
      } else if (r < 0.9) {
        const n = pick(TOPICS);
        const t = model.get(n)!;
        const devs = [...new Set([pick(DEVICES), pick(DEVICES)])];
        const removed = devs.filter((d) => t.regs.delete(d));
        const deleted = modelDelete(t);
        const got = await s.unregister(topicId(n), devs.map(device));
        expect({ removed: got.removed.map(hex), deleted: got.deleted, floor: floorKey(got.floor) }).toEqual({
          removed: removed.map((d) => hex(device(d))),
          deleted,
          floor: modelFloor(t),
        });
      } else if (r < 0.98 || !ctx.reopen) {
        const cutoff = clock - int(0, 40);
        const deleted: string[] = [];
        const gapped: string[] = [];
        for (const [n, t] of model) {
          const old = t.updates.filter((u) => u.createdAt < cutoff);
          if (old.length === 0) continue;
          deleted.push(`${n}:${old.map((u) => u.seq).join(',')}`);
          for (const [d, reg] of t.regs) {
            const lacked = old.filter((u) => u.sender !== d && u.seq > reg.cursor);
            if (lacked.length === 0) continue;
            gapped.push(`${n}:${d}:${lacked[0]!.seq}-${lacked[lacked.length - 1]!.seq}`);
            reg.gapFrom = reg.gapFrom === 0 ? lacked[0]!.seq : Math.min(reg.gapFrom, lacked[0]!.seq);
          }
          t.updates = t.updates.filter((u) => u.createdAt >= cutoff);
        }
        const got = await s.expire(cutoff);
        const num = (b: Uint8Array) => (b[30]! << 8) | b[31]!;
        expect(got.deleted.map((x) => `${num(x.topic)}:${x.seqs.join(',')}`).sort()).toEqual(deleted.sort());
        expect(got.gapped.map((x) => `${num(x.topic)}:${num(x.device)}:${x.fromSeq}-${x.toSeq}`).sort()).toEqual(gapped.sort());
      } else {
        s = await ctx.reopen();
      }
      await compareAll(s, model);
    }
  });
}
