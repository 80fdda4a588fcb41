// The relay in-process on port 0 with the memory store, driven by a raw ws client and the codec.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/shared/codec.js';
import { deriveCapability, signAuth, signTopicProof, topicIdOf } from '../src/shared/crypto/capability.js';
import { randomBytes } from '../src/shared/crypto/sodium.js';
import type { Sodium } from '../src/shared/crypto/sodium.js';
import { CloseReason, FrameType, RecordKind, RelayErrorCode } from '../src/shared/frames.js';
import type { AccountId, TopicId } from '../src/shared/ids.js';
import { loadSodium } from '../src/main/crypto/index.js';
import type { RelayOptions } from './core.js';
import { createRelay } from './server.js';
import type { Relay } from './server.js';
import { createMemoryStore } from './store/memory.js';
import { makeDevice, TestClient } from './test-client.js';
import type { TestDevice } from './test-client.js';

let sodium: Sodium;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sodium = await loadSodium('native');
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Started = { relay: Relay; url: string; stats: () => Promise<Record<string, number>>; metrics: () => Promise<string> };

async function start(options: Partial<RelayOptions> = {}): Promise<Started> {
  const store = createMemoryStore();
  const relay = await createRelay({ store, sodium, host: '127.0.0.1', port: 0, ...options });
  cleanups.push(async () => {
    await relay.close();
    await store.close();
  });
  const http = `http://127.0.0.1:${relay.port}`;
  return {
    relay,
    url: relay.url,
    stats: async () => (await (await fetch(`${http}/stats`)).json()) as Record<string, number>,
    metrics: async () => (await fetch(`${http}/metrics`)).text(),
  };
}

async function device(url: string, d: TestDevice = makeDevice(sodium)): Promise<{ d: TestDevice; c: TestClient }> {
  const c = await TestClient.device(url, sodium, d);
  cleanups.push(() => c.close());
  return { d, c };
}

const chat = () => deriveCapability(sodium, randomBytes(32));

async function subscribe(c: TestClient, topic: TopicId, reqId: number, cursor = 0): Promise<number> {
  c.send({ type: FrameType.Subscribe, reqId, topic, cursor });
  expect(await c.reply(reqId)).toMatchObject({ type: FrameType.Ok, topic });
  return (await c.next(FrameType.CaughtUp)).headSeq;
}

describe('createRelay', () => {
  it('authenticates: CHALLENGE, AUTH_OK with store id; NOT_AUTHENTICATED before; AUTH_FAILED keeps the socket', async () => {
    const { url } = await start();
    const d = makeDevice(sodium);
    const c = await TestClient.connect(url);
    cleanups.push(() => c.close());
    expect(c.nonce.length).toBe(32);
    c.send({ type: FrameType.GetRecord, reqId: 7, kind: RecordKind.Profile, account: new Uint8Array(32) as AccountId });
    expect(await c.next(FrameType.Error)).toMatchObject({ reqId: 7, code: RelayErrorCode.NOT_AUTHENTICATED });
    c.send({ type: FrameType.Auth, deviceKey: d.key, signature: signAuth(sodium, d.secret, randomBytes(32)) });
    expect(await c.next(FrameType.Error)).toMatchObject({ reqId: 0, code: RelayErrorCode.AUTH_FAILED });
    c.send({ type: FrameType.Auth, deviceKey: d.key, signature: signAuth(sodium, d.secret, c.nonce) });
    const ok = await c.next(FrameType.AuthOk);
    expect(ok.storeId.length).toBe(16);
    expect(ok.deviceKey).toEqual(d.key);
  });

  it('opens topics only with a valid proof and keeps the creation flags', async () => {
    const { url, stats } = await start();
    const { d, c } = await device(url);
    const cap = chat();
    const wrong = chat();
    // A proof signed by another capability's key.
    expect(await c.open(sodium, d, { ...wrong, capability: cap.capability }, 1)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.BAD_PROOF });
    expect((await stats()).topics).toBe(0);
    c.send({ type: FrameType.Publish, reqId: 2, topic: cap.topic, payload: new Uint8Array(3) });
    expect(await c.reply(2)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.UNKNOWN_TOPIC });
    expect(await c.open(sodium, d, cap, 3)).toEqual({ type: FrameType.Ok, reqId: 3, topic: topicIdOf(sodium, cap.capability) });
    expect((await stats()).topics).toBe(1);
    // Another device without the proof may not publish, subscribe or register.
    const other = await device(url);
    other.c.send({ type: FrameType.Publish, reqId: 5, topic: cap.topic, payload: new Uint8Array(3) });
    other.c.send({ type: FrameType.Subscribe, reqId: 6, topic: cap.topic, cursor: 0 });
    other.c.send({ type: FrameType.Register, reqId: 7, topic: cap.topic, devices: [other.d.key] });
    for (const reqId of [5, 6, 7]) expect(await other.c.reply(reqId)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.NO_CAPABILITY, topic: cap.topic });
    expect((await stats()).storedUpdates).toBe(0);
    expect(await c.open(sodium, d, cap, 4, 1)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.FLAGS_MISMATCH });
  });

  it('handles frames sent right after OPEN_TOPIC, without waiting for its OK, in order', async () => {
    const { url } = await start();
    const { d, c } = await device(url);
    const cap = chat();
    const signature = signTopicProof(sodium, cap.secretKey, c.nonce, d.key, cap.capability);
    c.send({ type: FrameType.OpenTopic, reqId: 1, capability: cap.capability, flags: 0, signature });
    c.send({ type: FrameType.Publish, reqId: 2, topic: cap.topic, payload: new Uint8Array([1]) });
    c.send({ type: FrameType.Subscribe, reqId: 3, topic: cap.topic, cursor: 0 });
    c.send({ type: FrameType.Publish, reqId: 4, topic: cap.topic, payload: new Uint8Array([2]) });
    expect(await c.reply(1)).toMatchObject({ type: FrameType.Ok });
    expect(await c.reply(2)).toMatchObject({ type: FrameType.Published, seq: 1 });
    expect(await c.reply(3)).toMatchObject({ type: FrameType.Ok });
    expect(await c.reply(4)).toMatchObject({ type: FrameType.Published, seq: 2 });
  });

  it('stores and forwards: publish, fan-out with the attested sender, replay to a registered device, CAUGHT_UP', async () => {
    const { url } = await start();
    const a = await device(url);
    const b = await device(url);
    const offline = makeDevice(sodium);
    const cap = chat();
    await a.c.open(sodium, a.d, cap, 1);
    await b.c.open(sodium, b.d, cap, 1);
    a.c.send({ type: FrameType.Register, reqId: 2, topic: cap.topic, devices: [a.d.key, b.d.key, offline.key] });
    expect(await a.c.reply(2)).toMatchObject({ type: FrameType.Ok });
    expect(await subscribe(a.c, cap.topic, 3)).toBe(0);
    expect(await subscribe(b.c, cap.topic, 3)).toBe(0);
    for (let i = 1; i <= 3; i++) a.c.send({ type: FrameType.Publish, reqId: 10 + i, topic: cap.topic, payload: new Uint8Array([i]) });
    for (let i = 1; i <= 3; i++) expect(await a.c.reply(10 + i)).toMatchObject({ type: FrameType.Published, seq: i });
    for (let i = 1; i <= 3; i++) expect(await b.c.next(FrameType.Update)).toMatchObject({ seq: i, sender: a.d.key, payload: new Uint8Array([i]) });
    // The publisher's own socket gets none of them back: the next frame it sees is the answer to a later request.
    a.c.send({ type: FrameType.Unsubscribe, reqId: 20, topic: cap.topic });
    await a.c.reply(20);
    expect(a.c.pending(FrameType.Update)).toEqual([]);
    // The device registered while offline gets the backlog, in order, then CAUGHT_UP.
    const late = await device(url, offline);
    await late.c.open(sodium, late.d, cap, 1);
    late.c.send({ type: FrameType.Subscribe, reqId: 2, topic: cap.topic, cursor: 1 });
    await late.c.reply(2);
    expect((await late.c.next(FrameType.Update)).seq).toBe(2);
    expect((await late.c.next(FrameType.Update)).seq).toBe(3);
    expect(await late.c.next(FrameType.CaughtUp)).toMatchObject({ headSeq: 3 });
  });

  it('deletes after the last registered device acks (seen in /stats), confirms with ACKED and tells the publisher DELIVERED', async () => {
    const { url, stats, metrics } = await start();
    const a = await device(url);
    const b = await device(url);
    const c = await device(url);
    const cap = chat();
    for (const x of [a, b, c]) {
      await x.c.open(sodium, x.d, cap, 1);
      await subscribe(x.c, cap.topic, 2);
    }
    a.c.send({ type: FrameType.Publish, reqId: 3, topic: cap.topic, payload: new Uint8Array(100) });
    expect(await a.c.reply(3)).toMatchObject({ seq: 1 });
    expect(await stats()).toMatchObject({ storedUpdates: 1, storedBytes: 100, topics: 1, connections: 3, devicesOnline: 3 });
    await b.c.next(FrameType.Update);
    b.c.send({ type: FrameType.Ack, topic: cap.topic, seq: 1 });
    expect(await b.c.next(FrameType.Acked)).toMatchObject({ topic: cap.topic, seq: 1 });
    expect((await stats()).storedUpdates).toBe(1);
    expect(a.c.pending(FrameType.Delivered)).toEqual([]);
    c.c.send({ type: FrameType.Ack, topic: cap.topic, seq: 1 });
    expect(await c.c.next(FrameType.Acked)).toMatchObject({ seq: 1 });
    expect(await a.c.next(FrameType.Delivered)).toMatchObject({ topic: cap.topic, seq: 1 });
    expect(await stats()).toMatchObject({ storedUpdates: 0, storedBytes: 0 });
    const text = await metrics();
    expect(text).toContain('cairn_deletions_total 1');
    expect(text).toContain('cairn_acks_total 2');
    expect(text).toContain('cairn_publishes_total 1');
    expect(text).toContain('cairn_deliveries_total 2');
  });

  it('holds ACKED and DELIVERED for the socket\'s next write, in order, instead of writing them alone', async () => {
    const { url, metrics } = await start({ controlFrameDelayMs: 60_000, ackBatchMs: 0 });
    const a = await device(url);
    const b = await device(url);
    const cap = chat();
    for (const x of [a, b]) {
      await x.c.open(sodium, x.d, cap, 1);
      await subscribe(x.c, cap.topic, 2);
    }
    a.c.send({ type: FrameType.Publish, reqId: 3, topic: cap.topic, payload: new Uint8Array(10) });
    expect(await a.c.reply(3)).toMatchObject({ seq: 1 });
    await b.c.next(FrameType.Update);
    b.c.send({ type: FrameType.Ack, topic: cap.topic, seq: 1 });
    await expect.poll(async () => (await metrics()).includes('cairn_acks_total 1'), { timeout: 5000, interval: 20 }).toBe(true);
    // Committed, but neither confirmation has had a write of its own.
    expect(b.c.pending(FrameType.Acked)).toEqual([]);
    expect(a.c.pending(FrameType.Delivered)).toEqual([]);
    b.c.send({ type: FrameType.Publish, reqId: 4, topic: cap.topic, payload: new Uint8Array(10) });
    expect(await b.c.reply(4)).toMatchObject({ seq: 2 });
    expect(b.c.pending(FrameType.Acked)).toMatchObject([{ topic: cap.topic, seq: 1 }]); // came before PUBLISHED
    expect(await a.c.next(FrameType.Update)).toMatchObject({ seq: 2 });
    expect(a.c.pending(FrameType.Delivered)).toMatchObject([{ topic: cap.topic, seq: 1 }]); // came before the UPDATE
  });

  it('answers DELIVERED right after PUBLISHED when no other device is registered', async () => {
    const { url } = await start();
    const a = await device(url);
    const cap = chat();
    await a.c.open(sodium, a.d, cap, 1);
    await subscribe(a.c, cap.topic, 2);
    a.c.send({ type: FrameType.Publish, reqId: 3, topic: cap.topic, payload: new Uint8Array(1) });
    await a.c.reply(3);
    expect(await a.c.next(FrameType.Delivered)).toMatchObject({ seq: 1 });
  });

  it('answers malformed, text and wrong-version frames with ERROR and keeps serving the socket', async () => {
    const { url } = await start();
    const a = await device(url);
    a.c.send(new Uint8Array([1, 0x3f, 0, 0]));
    expect(await a.c.next(FrameType.Error)).toMatchObject({ reqId: 0, code: RelayErrorCode.MALFORMED });
    a.c.send('hello');
    expect(await a.c.next(FrameType.Error)).toMatchObject({ reqId: 0, code: RelayErrorCode.MALFORMED });
    const frame = encodeFrame({ type: FrameType.GetRecord, reqId: 5, kind: RecordKind.Profile, account: new Uint8Array(32) as AccountId });
    frame[0] = 9;
    a.c.send(frame);
    expect(await a.c.next(FrameType.Error)).toMatchObject({ reqId: 0, code: RelayErrorCode.UNSUPPORTED_VERSION });
    a.c.send({ type: FrameType.GetRecord, reqId: 6, kind: RecordKind.Profile, account: new Uint8Array(32) as AccountId });
    expect(await a.c.reply(6)).toMatchObject({ type: FrameType.Record, record: null });
  });

  it('answers frames over maxFrameBytes with FRAME_TOO_LARGE (reqId kept), and ws closes beyond the hard cap', async () => {
    const { url } = await start({ maxFrameBytes: 4096 });
    const a = await device(url);
    const cap = chat();
    await a.c.open(sodium, a.d, cap, 1);
    a.c.send({ type: FrameType.Publish, reqId: 42, topic: cap.topic, payload: new Uint8Array(5000) });
    expect(await a.c.reply(42)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.FRAME_TOO_LARGE, topic: cap.topic });
    a.c.send({ type: FrameType.Publish, reqId: 43, topic: cap.topic, payload: new Uint8Array(4000) });
    expect(await a.c.reply(43)).toMatchObject({ type: FrameType.Published, seq: 1 });
    a.c.send({ type: FrameType.Publish, reqId: 44, topic: cap.topic, payload: new Uint8Array(4 * 4096 + 1) });
    expect((await a.c.closed).code).toBe(1009);
  });

  it('a second AUTH of the same device replaces the older socket with CLOSING{REPLACED} and close code 4001', async () => {
    const { url, stats } = await start();
    const first = await device(url);
    const second = await device(url, first.d);
    expect(await first.c.next(FrameType.Closing)).toMatchObject({ reason: CloseReason.REPLACED });
    expect((await first.c.closed).code).toBe(4001);
    second.c.send({ type: FrameType.GetRecord, reqId: 1, kind: RecordKind.Profile, account: new Uint8Array(32) as AccountId });
    await second.c.reply(1);
    expect(await stats()).toMatchObject({ devicesOnline: 1, connections: 1 });
  });

  it('closes a socket that does not authenticate in time', async () => {
    const { url } = await start({ authTimeoutMs: 100 });
    const c = await TestClient.connect(url);
    expect(await c.next(FrameType.Closing)).toMatchObject({ reason: CloseReason.AUTH_TIMEOUT });
    expect((await c.closed).code).toBe(4002);
  });

  it('rate-limits frames per connection with RATE_LIMITED carrying the reqId', async () => {
    const { url } = await start({ rateLimit: 1, rateBurst: 3 });
    const a = await device(url); // AUTH took one token
    for (const reqId of [1, 2, 3]) a.c.send({ type: FrameType.GetRecord, reqId, kind: RecordKind.Profile, account: new Uint8Array(32) as AccountId });
    expect(await a.c.reply(1)).toMatchObject({ type: FrameType.Record });
    expect(await a.c.reply(2)).toMatchObject({ type: FrameType.Record });
    expect(await a.c.reply(3)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.RATE_LIMITED });
  });

  it('closes every socket with CLOSING{SHUTDOWN} on close()', async () => {
    const { url, relay } = await start();
    const a = await device(url);
    await relay.close();
    expect(await a.c.next(FrameType.Closing)).toMatchObject({ reason: CloseReason.SHUTDOWN });
    expect((await a.c.closed).code).toBe(1001);
  });
});
