// TTL expiry (--ttl 300ms) and GAP: a device whose unacked updates expired is told, at its next
// subscribe or at once when it is online; a device that acked in time is not.
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

const TTL = ['--ttl', '300ms'];

describe('TTL expiry and GAP', () => {
  it('expires unacked updates after the TTL; the device that missed them gets GAP at its next subscribe', async () => {
    // Long enough for c to ack before expiry even on a loaded machine.
    const relay = await useRelay({ args: ['--ttl', '2s'] });
    const a = await useClient(relay.url, sodium);
    const c = await useClient(relay.url, sodium, { ackDelayMs: 0 });
    const late = makeDevice(sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, c.device.publicKey, late.publicKey]));
    must(await a.client.publish(cap.topic, payloadOf('m1')));
    must(await a.client.publish(cap.topic, payloadOf('m2')));
    must(await c.client.openTopic(cap));
    must(await c.client.subscribe(cap.topic, 0));
    await waitFor(() => c.on('update', cap.topic).length === 2);
    c.client.ack(cap.topic, 2);
    await waitFor(() => c.on('acked', cap.topic).at(-1)?.seq === 2);
    expect((await relay.stats()).storedUpdates).toBe(2);

    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 8_000, message: 'TTL expiry' });
    expect((await relay.stats()).storedBytes).toBe(0);
    expect(c.ev.gap).toEqual([]);

    const b = await useClient(relay.url, sodium, { device: late });
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));
    await waitFor(() => b.on('caughtUp', cap.topic).length === 1);
    expect(b.on('gap', cap.topic).map((g) => [g.fromSeq, g.toSeq])).toEqual([[0, 2]]);
    expect(b.on('update', cap.topic)).toEqual([]);
    expect(b.on('caughtUp', cap.topic)[0]!.headSeq).toBe(2);
    // seqs are never reused after expiry
    expect(must(await a.client.publish(cap.topic, payloadOf('m3')))).toBe(3);
  });

  it('sends GAP at once to an online subscriber whose unacked updates expire', async () => {
    const relay = await useRelay({ args: TTL });
    const a = await useClient(relay.url, sodium);
    const b = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, b.device.publicKey]));
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));
    await waitFor(() => b.on('caughtUp', cap.topic).length === 1);
    must(await a.client.publish(cap.topic, payloadOf('never acked')));
    await waitFor(() => b.on('update', cap.topic).length === 1);
    await waitFor(() => b.on('gap', cap.topic).length === 1, { timeoutMs: 5_000, message: 'GAP after expiry' });
    expect(b.on('gap', cap.topic).map((g) => [g.fromSeq, g.toSeq])).toEqual([[0, 1]]);
    expect((await relay.stats()).storedUpdates).toBe(0);
  });

  it('a device subscribing for the first time below what is still stored gets GAP for the deleted range', async () => {
    const relay = await useRelay({ args: TTL });
    const a = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    // Nobody registered: the update waits for its TTL only.
    must(await a.client.publish(cap.topic, payloadOf('m1')));
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 5_000, message: 'TTL expiry' });
    const b = await useClient(relay.url, sodium);
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));
    await waitFor(() => b.on('caughtUp', cap.topic).length === 1);
    expect(b.on('gap', cap.topic).map((g) => [g.fromSeq, g.toSeq])).toEqual([[0, 1]]);
    expect(b.on('update', cap.topic)).toEqual([]);
  });
});
