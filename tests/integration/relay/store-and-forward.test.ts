// Store-and-forward: registered devices get what was published while they were away, in FIFO order,
// then CAUGHT_UP; updates are deleted only when the last registered device acked them.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { bytesEqual } from '../../../src/shared/ids.js';
import { labelOf, makeDevice, makeTopic, payloadOf } from '../helpers/devices.js';
import { must, useClient, useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('store-and-forward', () => {
  it('keeps updates for a registered device that has never connected, then replays them in order and CAUGHT_UP', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const offline = makeDevice(sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, offline.publicKey]));
    const seqs: number[] = [];
    for (const label of ['m1', 'm2', 'm3']) seqs.push(must(await a.client.publish(cap.topic, payloadOf(label))));
    expect(seqs).toEqual([1, 2, 3]);
    expect(await relay.stats()).toMatchObject({ topics: 1, storedUpdates: 3 });

    const b = await useClient(relay.url, sodium, { device: offline });
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));
    await waitFor(() => b.on('caughtUp', cap.topic).length === 1, { message: 'CAUGHT_UP' });
    const updates = b.on('update', cap.topic);
    expect(updates.map((u) => [u.seq, labelOf(u.payload)])).toEqual([
      [1, 'm1'],
      [2, 'm2'],
      [3, 'm3'],
    ]);
    expect(updates.every((u) => bytesEqual(u.sender, a.device.publicKey))).toBe(true);
    expect(updates.every((u) => Math.abs(u.createdAt - Date.now()) < 60_000)).toBe(true);
    expect(b.on('caughtUp', cap.topic)[0]!.headSeq).toBe(3);
  });

  it('deletes an update only once the last registered device acked it (checked through /stats), with ACKED and DELIVERED', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const b = await useClient(relay.url, sodium, { ackDelayMs: 0 });
    const c = await useClient(relay.url, sodium, { ackDelayMs: 0 });
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, b.device.publicKey, c.device.publicKey]));
    must(await a.client.publish(cap.topic, payloadOf('m1')));
    must(await a.client.publish(cap.topic, payloadOf('m2')));
    for (const d of [b, c]) {
      must(await d.client.openTopic(cap));
      must(await d.client.subscribe(cap.topic, 0));
      await waitFor(() => d.on('caughtUp', cap.topic).length === 1, { message: 'CAUGHT_UP' });
      expect(d.on('update', cap.topic).map((u) => u.seq)).toEqual([1, 2]);
    }
    // The publisher counts as having acked its own updates: only b and c hold them back.
    expect((await relay.stats()).storedUpdates).toBe(2);

    b.client.ack(cap.topic, 2);
    await waitFor(() => b.on('acked', cap.topic).at(-1)?.seq === 2, { message: 'ACKED 2 to b' });
    expect((await relay.stats()).storedUpdates).toBe(2);
    // A round trip on a's socket: a DELIVERED caused by b's ack would have arrived before its reply.
    must(await a.client.openTopic(cap));
    expect(a.on('delivered', cap.topic)).toEqual([]);

    c.client.ack(cap.topic, 1);
    await waitFor(() => c.on('acked', cap.topic).at(-1)?.seq === 1, { message: 'ACKED 1 to c' });
    expect(await relay.stats()).toMatchObject({ storedUpdates: 1 });
    await waitFor(() => a.on('delivered', cap.topic).at(-1)?.seq === 1, { message: 'DELIVERED 1 to a' });

    c.client.ack(cap.topic, 2);
    await waitFor(() => c.on('acked', cap.topic).at(-1)?.seq === 2, { message: 'ACKED 2 to c' });
    expect(await relay.stats()).toMatchObject({ storedUpdates: 0, storedBytes: 0 });
    await waitFor(() => a.on('delivered', cap.topic).at(-1)?.seq === 2, { message: 'DELIVERED 2 to a' });
    expect(b.ev.delivered).toEqual([]);
    expect(c.ev.delivered).toEqual([]);
  });

  it('sends DELIVERED right after PUBLISHED when the publisher is the only registered device', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey]));
    const seq = must(await a.client.publish(cap.topic, payloadOf('solo')));
    await waitFor(() => a.on('delivered', cap.topic).at(-1)?.seq === seq, { message: 'DELIVERED' });
  });

  it('answers an ack from a device that is not registered with ERROR NOT_REGISTERED', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium, { ackDelayMs: 0 });
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.publish(cap.topic, payloadOf('m1')));
    a.client.ack(cap.topic, 1);
    await waitFor(() => a.errors('NOT_REGISTERED').length === 1, { message: 'NOT_REGISTERED' });
    expect(bytesEqual(a.errors('NOT_REGISTERED')[0]!.topic!, cap.topic)).toBe(true);
    expect(a.ev.acked).toEqual([]);
  });

  it('keeps FIFO order for a live burst: seqs follow publish order and arrive in order', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const b = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, b.device.publicKey]));
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));
    await waitFor(() => b.on('caughtUp', cap.topic).length === 1);
    const n = 300;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => a.client.publish(cap.topic, payloadOf(`m${i + 1}`))));
    expect(results.map((r) => must(r))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    await waitFor(() => b.on('update', cap.topic).length >= n, { message: `${n} updates` });
    const got = b.on('update', cap.topic);
    expect(got.map((u) => labelOf(u.payload))).toEqual(Array.from({ length: n }, (_, i) => `m${i + 1}`));
    expect(got.map((u) => u.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(a.on('update', cap.topic)).toEqual([]);
  });

  it('keeps FIFO order when live updates arrive while the backlog is being replayed', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const bDevice = makeDevice(sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, bDevice.publicKey]));
    const backlog = 1500;
    await Promise.all(Array.from({ length: backlog }, (_, i) => a.client.publish(cap.topic, payloadOf(`m${i + 1}`, 200))));
    const b = await useClient(relay.url, sodium, { device: bDevice });
    must(await b.client.openTopic(cap));
    const subscribed = b.client.subscribe(cap.topic, 0);
    const live = 300;
    const livePublishes = Array.from({ length: live }, (_, i) => a.client.publish(cap.topic, payloadOf(`m${backlog + i + 1}`, 200)));
    must(await subscribed);
    for (const r of await Promise.all(livePublishes)) must(r);
    const total = backlog + live;
    await waitFor(() => b.on('update', cap.topic).length >= total, { message: `${total} updates`, timeoutMs: 15_000 });
    const got = b.on('update', cap.topic);
    expect(got).toHaveLength(total);
    expect(got.map((u) => u.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(got.map((u) => labelOf(u.payload))).toEqual(Array.from({ length: total }, (_, i) => `m${i + 1}`));
    // CAUGHT_UP follows the replayed and buffered updates as its own frame: wait for it, not for a tick.
    await waitFor(() => b.on('caughtUp', cap.topic).length >= 1, { message: 'CAUGHT_UP', timeoutMs: 5_000 });
    const caughtUp = b.on('caughtUp', cap.topic);
    expect(caughtUp).toHaveLength(1);
    expect(caughtUp[0]!.headSeq).toBeGreaterThanOrEqual(backlog);
  });
});
