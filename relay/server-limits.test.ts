// Quota eviction, inbox limits, topic limit and TTL expiry, in-process with the memory store.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveCapability, deriveInboxCapability } from '../src/shared/crypto/capability.js';
import { randomBytes } from '../src/shared/crypto/sodium.js';
import type { Sodium } from '../src/shared/crypto/sodium.js';
import { FrameType, RelayErrorCode, TopicFlags } from '../src/shared/frames.js';
import type { TopicId } from '../src/shared/ids.js';
import { loadSodium } from '../src/main/crypto/index.js';
import type { RelayOptions } from './core.js';
import { createRelay } from './server.js';
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

async function start(options: Partial<RelayOptions>): Promise<{ url: string; stats: () => Promise<Record<string, number>> }> {
  const store = createMemoryStore();
  const relay = await createRelay({ store, sodium, host: '127.0.0.1', port: 0, ...options });
  cleanups.push(async () => {
    await relay.close();
    await store.close();
  });
  return { url: relay.url, stats: async () => (await (await fetch(`http://127.0.0.1:${relay.port}/stats`)).json()) as Record<string, number> };
}

async function device(url: string, d: TestDevice = makeDevice(sodium)): Promise<{ d: TestDevice; c: TestClient }> {
  const c = await TestClient.device(url, sodium, d);
  cleanups.push(() => c.close());
  return { d, c };
}

async function subscribe(c: TestClient, topic: TopicId, reqId: number): Promise<void> {
  c.send({ type: FrameType.Subscribe, reqId, topic, cursor: 0 });
  expect(await c.reply(reqId)).toMatchObject({ type: FrameType.Ok });
  await c.next(FrameType.CaughtUp);
}

describe('relay limits', () => {
  it('at quota unregisters the oldest cursor (GAP, unsubscribed), then answers QUOTA when nobody can be evicted', async () => {
    const { url, stats } = await start({ topicQuotaBytes: 1000 });
    const a = await device(url);
    const b = await device(url);
    const cap = deriveCapability(sodium, randomBytes(32));
    for (const x of [a, b]) {
      await x.c.open(sodium, x.d, cap, 1);
      await subscribe(x.c, cap.topic, 2);
    }
    a.c.send({ type: FrameType.Publish, reqId: 3, topic: cap.topic, payload: new Uint8Array(600) });
    expect(await a.c.reply(3)).toMatchObject({ type: FrameType.Published, seq: 1 });
    await b.c.next(FrameType.Update);
    // b never acks: the second publish does not fit until b is unregistered, which frees seq 1.
    a.c.send({ type: FrameType.Publish, reqId: 4, topic: cap.topic, payload: new Uint8Array(600) });
    expect(await a.c.reply(4)).toMatchObject({ type: FrameType.Published, seq: 2 });
    expect(await b.c.next(FrameType.Gap)).toMatchObject({ topic: cap.topic, fromSeq: 0, toSeq: 1 });
    // a is now the only registered device, so its own update waits for nobody.
    await expect.poll(async () => (await stats()).storedUpdates).toBe(0);
    expect(b.c.pending(FrameType.Update)).toEqual([]);
    a.c.send({ type: FrameType.Publish, reqId: 5, topic: cap.topic, payload: new Uint8Array(1001) });
    expect(await a.c.reply(5)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.QUOTA, topic: cap.topic });
  });

  it('inboxes take publishes from devices without the capability, limited per sender in rate and stored share', async () => {
    const { url } = await start({ topicQuotaBytes: 8000, inboxPublishesPerMinute: 2 });
    const owner = await device(url);
    const stranger = await device(url);
    const inbox = deriveInboxCapability(sodium, randomBytes(32));
    await owner.c.open(sodium, owner.d, inbox, 1, TopicFlags.OpenPublish);
    await subscribe(owner.c, inbox.topic, 2);
    stranger.c.send({ type: FrameType.Publish, reqId: 1, topic: inbox.topic, payload: new Uint8Array(600) });
    expect(await stranger.c.reply(1)).toMatchObject({ type: FrameType.Published, seq: 1 });
    expect(await owner.c.next(FrameType.Update)).toMatchObject({ seq: 1, sender: stranger.d.key });
    // 600 + 600 > 8000 / 8: over this sender's share.
    stranger.c.send({ type: FrameType.Publish, reqId: 2, topic: inbox.topic, payload: new Uint8Array(600) });
    expect(await stranger.c.reply(2)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.QUOTA });
    stranger.c.send({ type: FrameType.Publish, reqId: 3, topic: inbox.topic, payload: new Uint8Array(10) });
    expect(await stranger.c.reply(3)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.RATE_LIMITED });
    // Reading still needs the capability.
    stranger.c.send({ type: FrameType.Subscribe, reqId: 4, topic: inbox.topic, cursor: 0 });
    expect(await stranger.c.reply(4)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.NO_CAPABILITY });
    // The rate limit follows the device, not the connection.
    const other = await device(url, stranger.d);
    other.c.send({ type: FrameType.Publish, reqId: 5, topic: inbox.topic, payload: new Uint8Array(600) });
    expect(await other.c.reply(5)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.RATE_LIMITED });
  });

  it('refuses more topics than maxTopics per connection', async () => {
    const { url } = await start({ maxTopics: 2 });
    const a = await device(url);
    for (const reqId of [1, 2]) expect(await a.c.open(sodium, a.d, deriveCapability(sodium, randomBytes(32)), reqId)).toMatchObject({ type: FrameType.Ok });
    expect(await a.c.open(sodium, a.d, deriveCapability(sodium, randomBytes(32)), 3)).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.TOO_MANY_TOPICS });
  });

  it('expires unacked updates after the TTL and tells an online subscriber GAP', async () => {
    const { url, stats } = await start({ ttlMs: 200, maintenanceIntervalMs: 50 });
    const a = await device(url);
    const b = await device(url);
    const cap = deriveCapability(sodium, randomBytes(32));
    for (const x of [a, b]) {
      await x.c.open(sodium, x.d, cap, 1);
      await subscribe(x.c, cap.topic, 2);
    }
    a.c.send({ type: FrameType.Publish, reqId: 3, topic: cap.topic, payload: new Uint8Array(10) });
    await a.c.reply(3);
    expect(await b.c.next(FrameType.Gap, undefined, 5000)).toMatchObject({ topic: cap.topic, fromSeq: 0, toSeq: 1 });
    expect((await stats()).storedUpdates).toBe(0);
  });

  it('sends EPHEMERAL to other subscribers and DIRECT to one online device, storing neither', async () => {
    const { url, stats } = await start({});
    const a = await device(url);
    const b = await device(url);
    const cap = deriveCapability(sodium, randomBytes(32));
    for (const x of [a, b]) {
      await x.c.open(sodium, x.d, cap, 1);
      await subscribe(x.c, cap.topic, 2);
    }
    a.c.send({ type: FrameType.Ephemeral, topic: cap.topic, payload: new Uint8Array([7]) });
    expect(await b.c.next(FrameType.EphemeralIn)).toMatchObject({ sender: a.d.key, payload: new Uint8Array([7]) });
    a.c.send({ type: FrameType.Direct, topic: cap.topic, target: b.d.key, payload: new Uint8Array([8]) });
    expect(await b.c.next(FrameType.DirectIn)).toMatchObject({ sender: a.d.key, payload: new Uint8Array([8]) });
    a.c.send({ type: FrameType.Direct, topic: cap.topic, target: makeDevice(sodium).key, payload: new Uint8Array([9]) });
    expect(await a.c.next(FrameType.Error)).toMatchObject({ code: RelayErrorCode.TARGET_OFFLINE, topic: cap.topic });
    expect(a.c.pending(FrameType.EphemeralIn)).toEqual([]);
    expect((await stats()).storedUpdates).toBe(0);
  });
});
