// CLOSE_TOPIC: a capability holder closes a topic (a chat that moved to a new key epoch); the relay refuses new
// publishes and registrations with TOPIC_CLOSED, still replays and deletes the backlog, and keeps it closed.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveCapability } from '../src/shared/crypto/capability.js';
import { randomBytes } from '../src/shared/crypto/sodium.js';
import type { Sodium } from '../src/shared/crypto/sodium.js';
import { FrameType, RelayErrorCode, TopicFlags } from '../src/shared/frames.js';
import { loadSodium } from '../src/main/crypto/index.js';
import { createRelay } from './server.js';
import { createMemoryStore } from './store/memory.js';
import { makeDevice, TestClient } from './test-client.js';

let sodium: Sodium;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sodium = await loadSodium('native');
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start() {
  const store = createMemoryStore();
  const relay = await createRelay({ store, sodium, host: '127.0.0.1', port: 0 });
  cleanups.push(async () => {
    await relay.close();
    await store.close();
  });
  const stats = async () => (await (await fetch(`http://127.0.0.1:${relay.port}/stats`)).json()) as Record<string, number>;
  return { url: relay.url, store, stats };
}

async function device(url: string) {
  const d = makeDevice(sodium);
  const c = await TestClient.device(url, sodium, d);
  cleanups.push(() => c.close());
  return { d, c };
}

describe('CLOSE_TOPIC', () => {
  it('refuses publishes and registrations afterwards, keeps the backlog for registered devices until they ack', async () => {
    const { url, store, stats } = await start();
    const a = await device(url);
    const b = await device(url);
    const stranger = await device(url);
    const cap = deriveCapability(sodium, randomBytes(32));
    await a.c.open(sodium, a.d, cap, 1);
    a.c.send({ type: FrameType.Register, reqId: 2, topic: cap.topic, devices: [a.d.key, b.d.key] });
    await a.c.reply(2);
    a.c.send({ type: FrameType.Publish, reqId: 3, topic: cap.topic, payload: new Uint8Array([1]) });
    expect(await a.c.reply(3)).toMatchObject({ type: FrameType.Published, seq: 1 });

    // Only a capability holder may close it.
    stranger.c.send({ type: FrameType.CloseTopic, reqId: 4, topic: cap.topic });
    expect(await stranger.c.reply(4)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.NO_CAPABILITY });
    a.c.send({ type: FrameType.CloseTopic, reqId: 5, topic: cap.topic });
    expect(await a.c.reply(5)).toMatchObject({ type: FrameType.Ok, topic: cap.topic });
    expect((await store.getTopic(cap.topic))!.flags & TopicFlags.Closed).toBe(TopicFlags.Closed);

    a.c.send({ type: FrameType.Publish, reqId: 6, topic: cap.topic, payload: new Uint8Array([2]) });
    expect(await a.c.reply(6)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.TOPIC_CLOSED, topic: cap.topic });
    a.c.send({ type: FrameType.Register, reqId: 7, topic: cap.topic, devices: [stranger.d.key] });
    expect(await a.c.reply(7)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.TOPIC_CLOSED });

    // A registered device still opens it with its creation flags, drains the backlog, and its ack deletes it.
    expect(await b.c.open(sodium, b.d, cap, 1)).toMatchObject({ type: FrameType.Ok });
    b.c.send({ type: FrameType.Publish, reqId: 2, topic: cap.topic, payload: new Uint8Array([3]) });
    expect(await b.c.reply(2)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.TOPIC_CLOSED });
    b.c.send({ type: FrameType.Subscribe, reqId: 3, topic: cap.topic, cursor: 0 });
    await b.c.reply(3);
    expect(await b.c.next(FrameType.Update)).toMatchObject({ seq: 1, payload: new Uint8Array([1]) });
    expect(await b.c.next(FrameType.CaughtUp)).toMatchObject({ headSeq: 1 });
    expect((await stats()).storedUpdates).toBe(1);
    b.c.send({ type: FrameType.Ack, topic: cap.topic, seq: 1 });
    expect(await b.c.next(FrameType.Acked)).toMatchObject({ seq: 1 });
    expect((await stats()).storedUpdates).toBe(0);
  });

  it('refuses an inbox publish from a device without the capability once the inbox is closed', async () => {
    const { url } = await start();
    const owner = await device(url);
    const sender = await device(url);
    const cap = deriveCapability(sodium, randomBytes(32), 'inbox-test');
    await owner.c.open(sodium, owner.d, cap, 1, TopicFlags.OpenPublish);
    owner.c.send({ type: FrameType.CloseTopic, reqId: 2, topic: cap.topic });
    await owner.c.reply(2);
    sender.c.send({ type: FrameType.Publish, reqId: 1, topic: cap.topic, payload: new Uint8Array([1]) });
    expect(await sender.c.reply(1)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.TOPIC_CLOSED });
    // Its creation flags are still what OPEN_TOPIC must name.
    expect(await owner.c.open(sodium, owner.d, cap, 3, TopicFlags.OpenPublish)).toMatchObject({ type: FrameType.Ok });
  });

  it('refuses SUBSCRIBE of an unregistered capability holder (a revoked device) with TOPIC_CLOSED and does not register it', async () => {
    const { url, store, stats } = await start();
    const a = await device(url);
    const b = await device(url);
    const revoked = await device(url);
    const cap = deriveCapability(sodium, randomBytes(32));
    await a.c.open(sodium, a.d, cap, 1);
    a.c.send({ type: FrameType.Register, reqId: 2, topic: cap.topic, devices: [a.d.key, b.d.key] });
    await a.c.reply(2);
    a.c.send({ type: FrameType.Publish, reqId: 3, topic: cap.topic, payload: new Uint8Array([1]) });
    await a.c.reply(3);
    a.c.send({ type: FrameType.CloseTopic, reqId: 4, topic: cap.topic });
    await a.c.reply(4);

    await revoked.c.open(sodium, revoked.d, cap, 1);
    revoked.c.send({ type: FrameType.Subscribe, reqId: 2, topic: cap.topic, cursor: 0 });
    expect(await revoked.c.reply(2)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.TOPIC_CLOSED, topic: cap.topic });
    expect((await store.registrations(cap.topic)).map((r) => Buffer.from(r.device).toString('hex')).sort()).toEqual([a.d.key, b.d.key].map((k) => Buffer.from(k).toString('hex')).sort());

    // The registered devices drain and ack the backlog: it is deleted, the refused device holds nothing up.
    for (const [i, x] of [a, b].entries()) {
      if (i === 1) await x.c.open(sodium, x.d, cap, 1);
      x.c.send({ type: FrameType.Subscribe, reqId: 9, topic: cap.topic, cursor: 0 });
      expect(await x.c.reply(9)).toMatchObject({ type: FrameType.Ok });
      await x.c.next(FrameType.CaughtUp);
      x.c.send({ type: FrameType.Ack, topic: cap.topic, seq: 1 });
      await x.c.next(FrameType.Acked);
    }
    expect((await stats()).storedUpdates).toBe(0);
  });
});
