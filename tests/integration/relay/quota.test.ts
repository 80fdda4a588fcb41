// Per-topic quota (--topic-quota-bytes 4096): first the registered device with the oldest cursor is
// unregistered (it gets GAP) and publishes go on; when that cannot help, the publish gets QUOTA.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { makeDevice, makeTopic, payloadOf } from '../helpers/devices.js';
import { must, useClient, useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const QUOTA = 4096;
const ARGS = ['--topic-quota-bytes', String(QUOTA)];

describe('topic quota', () => {
  it('unregisters the device with the oldest cursor (it gets GAP) and keeps accepting publishes', async () => {
    const relay = await useRelay({ args: ARGS });
    const a = await useClient(relay.url, sodium);
    const b = await useClient(relay.url, sodium, { ackDelayMs: 0 });
    const slow = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, b.device.publicKey, slow.device.publicKey]));
    for (const d of [b, slow]) {
      must(await d.client.openTopic(cap));
      must(await d.client.subscribe(cap.topic, 0));
      await waitFor(() => d.on('caughtUp', cap.topic).length === 1);
    }
    b.client.on('update', (u) => b.client.ack(u.topic, u.seq));

    const n = 12;
    for (let i = 1; i <= n; i++) {
      const seq = must(await a.client.publish(cap.topic, payloadOf(`m${i}`, 1000)), `publish ${i}`);
      expect(seq).toBe(i);
      // b keeps up, so only the silent device holds updates back and it alone has the oldest cursor.
      await waitFor(() => (b.on('acked', cap.topic).at(-1)?.seq ?? 0) >= seq, { message: `b's ACKED ${seq}` });
      expect((await relay.stats()).storedBytes).toBeLessThanOrEqual(QUOTA);
    }
    await waitFor(() => slow.on('gap', cap.topic).length === 1, { message: 'GAP to the evicted device' });
    const gap = slow.on('gap', cap.topic)[0]!;
    expect(gap.fromSeq).toBe(0);
    expect(gap.toSeq).toBeGreaterThanOrEqual(4);
    expect(gap.toSeq).toBeLessThan(n);
    // Once evicted it is no longer a subscriber: nothing after the gap reaches it.
    expect(slow.on('update', cap.topic).every((u) => u.seq <= gap.toSeq)).toBe(true);
    expect(b.on('gap', cap.topic)).toEqual([]);
    // With the evicted device gone, b's acks free everything.
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { message: 'all updates deleted' });
  });

  it('answers QUOTA when no registered device can be evicted, stores nothing, and accepts what fits', async () => {
    const relay = await useRelay({ args: ARGS });
    const a = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    // Nobody registered: updates wait for their TTL, and there is no cursor to give up on.
    for (let i = 1; i <= 4; i++) must(await a.client.publish(cap.topic, payloadOf(`m${i}`, 1000)));
    expect(await relay.stats()).toMatchObject({ storedUpdates: 4, storedBytes: 4000 });
    const refused = await a.client.publish(cap.topic, payloadOf('m5', 1000));
    expect(refused).toMatchObject({ ok: false, code: 'QUOTA' });
    expect(await relay.stats()).toMatchObject({ storedUpdates: 4, storedBytes: 4000 });
    // The topic still works for what fits, and the refused publish used no seq.
    expect(must(await a.client.publish(cap.topic, payloadOf('small', 50)))).toBe(5);
  });

  it('does not keep updates when the publisher is the only registered device (it counts as having acked them)', async () => {
    const relay = await useRelay({ args: ARGS });
    const a = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey]));
    // Far more than the quota in total: each update is held by every registered device once published.
    for (let i = 1; i <= 8; i++) must(await a.client.publish(cap.topic, payloadOf(`note ${i}`, 1000)), `publish ${i}`);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 2_000, message: 'nothing stored' });
  });

  it('answers QUOTA for an update larger than the whole quota, even with a device it could evict', async () => {
    const relay = await useRelay({ args: ARGS });
    const a = await useClient(relay.url, sodium);
    const offline = makeDevice(sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, offline.publicKey]));
    const refused = await a.client.publish(cap.topic, payloadOf('too big', QUOTA + 1000));
    expect(refused).toMatchObject({ ok: false, code: 'QUOTA' });
    expect(await relay.stats()).toMatchObject({ storedUpdates: 0, storedBytes: 0 });
    expect(must(await a.client.publish(cap.topic, payloadOf('fits', 100)))).toBe(1);
  });
});
