// The measured phases of one run with one crypto backend. Each figure is kept as wall time and as this
// process's CPU time (meter.ts). The engine phases count the background log compaction their messages cause.
import { openEnvelope, sealEnvelope } from '../../src/shared/crypto/envelope.js';
import { randomBytes } from '../../src/shared/crypto/sodium.js';
import type { Sodium } from '../../src/shared/crypto/sodium.js';
import type { UpdateFrame } from '../../src/shared/frames.js';
import type { DeviceKey, TopicId } from '../../src/shared/ids.js';
import { CoreHarness } from './core-harness.js';
import { EngineHarness } from './engine-harness.js';
import type { Template } from './fixture.js';
import { add, ms, perItemUs, rate, timed } from './meter.js';
import type { Fig, Span } from './meter.js';
import { TextSource } from './traffic.js';
import type { Peer } from './traffic.js';

export const SIZES = { send: 1000, warm: 200, live: 1000, liveWarm: 100, catchUp: 10_000, latestCalls: 1000, coreSends: 200, coreQueued: 1000 } as const;

export type Inputs = { empty: Template; big: Template; peer: Peer; live: UpdateFrame[]; backlog: UpdateFrame[] };

export const FIGURES = [
  'signUs',
  'verifyUs',
  'sealUs',
  'openUs',
  'sendTx1Us',
  'sendTx100Us',
  'sendTx1LoopUs',
  'sendTx100LoopUs',
  'compactionUsPerRow',
  'receiveEmptyUs',
  'receiveBigUs',
  'receiveRatio',
  'bigDocLoadMs',
  'bigDocHeapMB',
  'burstUs',
  'catchUpPerSecond',
  'catchUpWithCompactionPerSecond',
  'catchUpStallMs',
  'catchUpProcessPerSecond',
  'burstProcessUs',
  'latest50Ms',
  'latest50FirstMs',
  'chatsAllUnreadMs',
  'chatsReadMs',
  'coreSendEmptyUs',
  'coreSendQueuedUs',
  'coreSendBigUs',
] as const;
export type FigureKey = (typeof FIGURES)[number];
export type Figures = Partial<Record<FigureKey, Fig>>;
export type ImplRun = { rep: number; impl: Sodium['name']; attempt: number; otherCpuPercent: number; wallSeconds: number; figures: Figures };

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const perCallMs = (s: Span, calls: number): Fig => ({ wall: s.wallMs / calls, cpu: s.cpuMs / calls });

/** Sign, verify, seal and open of an envelope the size of one chat message's update. */
export function cryptoPhase(sodium: Sodium, out: Figures): void {
  const n = sodium.name === 'wasm' ? 2000 : 5000;
  const kp = sodium.signSeedKeypair(randomBytes(32));
  const topic = randomBytes(32) as TopicId;
  const key = randomBytes(32);
  const input = { topic, epoch: 0, key, senderKey: kp.publicKey as DeviceKey, senderSecret: kp.secretKey, plaintext: randomBytes(300) };
  const envelope = sealEnvelope(sodium, input);
  const sig = sodium.sign(envelope, kp.secretKey);
  const opts = { expectedTopic: topic, attestedSender: kp.publicKey as DeviceKey, keyForEpoch: () => key };
  const each = (fn: () => void): Fig => {
    for (let i = 0; i < n / 10; i++) fn();
    return perItemUs(timed(() => { for (let i = 0; i < n; i++) fn(); }), n);
  };
  out.signUs = each(() => sodium.sign(envelope, kp.secretKey));
  out.verifyUs = each(() => {
    if (!sodium.verify(sig, envelope, kp.publicKey)) throw new Error('verify failed');
  });
  out.sealUs = each(() => sealEnvelope(sodium, input));
  out.openUs = each(() => {
    if (!openEnvelope(sodium, envelope, opts).ok) throw new Error('open failed');
  });
}

/** Local sends in the empty chat, 1 per transaction then 100 per transaction; their compaction timed apart. */
export async function sendPhase(sodium: Sodium, inputs: Inputs, out: Figures): Promise<void> {
  const h = new EngineHarness(inputs.empty, sodium, inputs.peer);
  try {
    h.loadDoc();
    const texts = new TextSource(3);
    let sentAt = Date.now();
    for (let i = 0; i < SIZES.warm; i++) h.send(texts.text(), sentAt++);
    await h.settle();
    let compaction: Span = { wallMs: 0, cpuMs: 0 };
    let merged = 0;
    const settle = async (): Promise<void> => {
      const before = h.uncompacted();
      compaction = add(compaction, await h.settle());
      merged += before - h.uncompacted();
    };
    const logRows = () => h.engine.registry.log.countUpdates(h.chat.chatId);
    gc();
    let rows0 = logRows();
    const one = timed(() => {
      for (let i = 0; i < SIZES.send; i++) h.send(texts.text(), sentAt++);
    });
    const rowsOne = logRows() - rows0;
    await settle();
    gc();
    rows0 = logRows();
    // A grouped commit: the registry seals the 100 messages' merged update once (one log row, one envelope).
    const hundred = timed(() => {
      for (let g = 0; g < SIZES.send / 100; g++) h.group(() => {
        for (let i = 0; i < 100; i++) h.send(texts.text(), sentAt++);
      });
    });
    const rowsHundred = logRows() - rows0;
    await settle();
    // Merging a run of n rows removes n - 1 of them: close enough to "per row appended". Each phase owes the
    // compaction of the log rows it appended (one per message alone, one per 100 grouped).
    const perRow = merged > 0 ? perItemUs(compaction, merged) : { wall: 0, cpu: 0 };
    const owed = (rows: number): Fig => ({ wall: (perRow.wall * rows) / SIZES.send, cpu: (perRow.cpu * rows) / SIZES.send });
    out.sendTx1LoopUs = perItemUs(one, SIZES.send);
    out.sendTx100LoopUs = perItemUs(hundred, SIZES.send);
    out.compactionUsPerRow = perRow;
    out.sendTx1Us = { wall: out.sendTx1LoopUs.wall + owed(rowsOne).wall, cpu: out.sendTx1LoopUs.cpu + owed(rowsOne).cpu };
    out.sendTx100Us = { wall: out.sendTx100LoopUs.wall + owed(rowsHundred).wall, cpu: out.sendTx100LoopUs.cpu + owed(rowsHundred).cpu };
  } finally {
    await h.close();
  }
}

/** Live receive, one message per transaction, compaction included; the chat doc is loaded first. */
async function liveReceive(t: Template, sodium: Sodium, inputs: Inputs): Promise<{ perMessage: Fig; load: Span; heapMB: number }> {
  const h = new EngineHarness(t, sodium, inputs.peer);
  try {
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const load = h.loadDoc();
    gc();
    const heapMB = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    await h.receiveEach(inputs.live.slice(0, SIZES.liveWarm));
    await h.settle();
    gc();
    const measured = inputs.live.slice(SIZES.liveWarm, SIZES.liveWarm + SIZES.live);
    const span = add(await h.receiveEach(measured), await h.settle());
    return { perMessage: perItemUs(span, measured.length), load, heapMB };
  } finally {
    await h.close();
  }
}

export async function receivePhase(sodium: Sodium, inputs: Inputs, out: Figures): Promise<void> {
  const empty = await liveReceive(inputs.empty, sodium, inputs);
  gc();
  const big = await liveReceive(inputs.big, sodium, inputs);
  gc();
  out.receiveEmptyUs = empty.perMessage;
  out.receiveBigUs = big.perMessage;
  out.receiveRatio = { wall: big.perMessage.wall / empty.perMessage.wall, cpu: big.perMessage.cpu / empty.perMessage.cpu };
  out.bigDocLoadMs = ms(big.load);
  out.bigDocHeapMB = { wall: big.heapMB, cpu: Number.NaN };
}

/** A backlog of sealed updates delivered in one burst, as a relay replays it after a subscribe. */
export async function catchUpPhase(sodium: Sodium, inputs: Inputs, out: Figures): Promise<void> {
  const h = new EngineHarness(inputs.empty, sodium, inputs.peer);
  try {
    h.loadDoc();
    gc();
    const n = inputs.backlog.length;
    // Every thread of the process, the verify worker included (the main thread's CPU leaves it out).
    const p0 = process.cpuUsage();
    const burst = await h.receiveBurst(inputs.backlog);
    const p = process.cpuUsage(p0);
    const processSpan: Span = { wallMs: burst.span.wallMs, cpuMs: (p.user + p.system) / 1000 };
    const compaction = await h.settle();
    out.catchUpProcessPerSecond = rate(processSpan, n);
    out.burstProcessUs = perItemUs(processSpan, n);
    out.catchUpPerSecond = rate(burst.span, n);
    out.burstUs = perItemUs(burst.span, n);
    out.catchUpWithCompactionPerSecond = rate(add(burst.span, compaction), n);
    out.catchUpStallMs = { wall: burst.maxStallMs, cpu: Number.NaN };
  } finally {
    await h.close();
  }
}

/** CoreApi calls on the long chat, and CoreApi.send on the empty one, first with a short outbox, then with
 *  SIZES.coreQueued messages queued offline. */
export async function corePhase(sodium: Sodium, inputs: Inputs, out: Figures): Promise<void> {
  const texts = new TextSource(5);
  const big = await CoreHarness.open(inputs.big, sodium);
  try {
    // Thread CPU time moves in steps of up to a scheduler tick, so short calls are timed in long loops.
    out.latest50FirstMs = { wall: (await big.latest(50, 1)).wallMs, cpu: Number.NaN };
    out.latest50Ms = perCallMs(await big.latest(50, SIZES.latestCalls), SIZES.latestCalls);
    out.chatsAllUnreadMs = perCallMs(await big.chats(10), 10);
    await big.markRead(inputs.big.lastHistoryId!);
    out.chatsReadMs = perCallMs(await big.chats(SIZES.latestCalls), SIZES.latestCalls);
    await big.send(texts, 1); // loads the doc
    out.coreSendBigUs = perItemUs(await big.send(texts, SIZES.coreSends), SIZES.coreSends);
  } finally {
    await big.close();
  }
  gc();
  const empty = await CoreHarness.open(inputs.empty, sodium);
  try {
    await empty.send(texts, 1);
    out.coreSendEmptyUs = perItemUs(await empty.send(texts, SIZES.coreSends), SIZES.coreSends);
    await empty.send(texts, SIZES.coreQueued - 2 * SIZES.coreSends);
    out.coreSendQueuedUs = perItemUs(await empty.send(texts, SIZES.coreSends), SIZES.coreSends);
  } finally {
    await empty.close();
  }
}
