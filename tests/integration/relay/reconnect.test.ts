// Reconnecting: resuming from a cursor gives exactly what lies beyond it; the client reconnects by
// itself after a relay restart; a second connection of the same device replaces the first.
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { labelOf, makeDevice, makeTopic, payloadOf } from '../helpers/devices.js';
import { must, useClient, useRelay } from '../helpers/harness.js';
import { makeTempDir, startRelay } from '../helpers/relay-process.js';
import { waitFor } from '../helpers/wait.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('reconnect', () => {
  it('resumes from the cursor: nothing at or below it again, nothing beyond it missing', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const bDevice = makeDevice(sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, bDevice.publicKey]));
    for (let i = 1; i <= 5; i++) must(await a.client.publish(cap.topic, payloadOf(`m${i}`)));

    const b1 = await useClient(relay.url, sodium, { device: bDevice, ackDelayMs: 0 });
    must(await b1.client.openTopic(cap));
    must(await b1.client.subscribe(cap.topic, 0));
    await waitFor(() => b1.on('caughtUp', cap.topic).length === 1);
    expect(b1.on('update', cap.topic).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
    b1.client.ack(cap.topic, 3);
    await waitFor(() => b1.on('acked', cap.topic).at(-1)?.seq === 3);
    await b1.client.close();

    for (let i = 6; i <= 7; i++) must(await a.client.publish(cap.topic, payloadOf(`m${i}`)));
    const b2 = await useClient(relay.url, sodium, { device: bDevice });
    must(await b2.client.openTopic(cap));
    must(await b2.client.subscribe(cap.topic, 3));
    await waitFor(() => b2.on('caughtUp', cap.topic).length === 1);
    expect(b2.on('update', cap.topic).map((u) => [u.seq, labelOf(u.payload)])).toEqual([
      [4, 'm4'],
      [5, 'm5'],
      [6, 'm6'],
      [7, 'm7'],
    ]);
    expect(b2.on('caughtUp', cap.topic)[0]!.headSeq).toBe(7);
    expect(b2.ev.gap).toEqual([]);
    // Only 4..7 still wait for b: 1..3 were deleted by its ack.
    expect((await relay.stats()).storedUpdates).toBe(4);
  });

  it('reconnects by itself after a relay restart, re-proves and resubscribes from its acked cursor', async () => {
    const dataDir = makeTempDir();
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startRelay({ dataDir });
    onTestFinished(async () => void (await first.stop()));
    const cap = makeTopic(sodium);
    const a1 = await useClient(first.url, sodium);
    const b = await useClient(first.url, sodium, { reconnect: { baseMs: 20, maxMs: 200 }, ackDelayMs: 0 });
    must(await a1.client.openTopic(cap));
    must(await a1.client.register(cap.topic, [a1.device.publicKey, b.device.publicKey]));
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));
    must(await a1.client.publish(cap.topic, payloadOf('m1')));
    must(await a1.client.publish(cap.topic, payloadOf('m2')));
    await waitFor(() => b.on('update', cap.topic).length === 2);
    b.client.ack(cap.topic, 1); // m2 stays unacked: it must come again after the reconnect
    await waitFor(() => b.on('acked', cap.topic).at(-1)?.seq === 1);

    expect(await first.stop()).toEqual({ code: 0, signal: null });
    await waitFor(() => b.ev.close.length >= 1, { message: 'b to see the relay go' });
    expect(b.ev.close[0]!.willReconnect).toBe(true);

    const second = await useRelay({ dataDir, args: ['--port', String(first.port)] });
    await waitFor(() => b.ev.open.length === 2, { timeoutMs: 10_000, message: 'b to reconnect' });
    expect(b.ev.open[1]).toMatchObject({ reconnected: true, storeChanged: false });
    const a2 = await useClient(second.url, sodium, { device: a1.device });
    must(await a2.client.openTopic(cap));
    must(await a2.client.publish(cap.topic, payloadOf('m3')));
    await waitFor(() => b.on('update', cap.topic).some((u) => u.seq === 3), { message: 'm3 at b' });
    await waitFor(() => b.on('caughtUp', cap.topic).length === 2, { message: 'the resubscribe to catch up' });
    expect(b.on('update', cap.topic).map((u) => [u.seq, labelOf(u.payload)])).toEqual([
      [1, 'm1'],
      [2, 'm2'],
      [2, 'm2'],
      [3, 'm3'],
    ]);
    expect(b.errors('NO_CAPABILITY')).toEqual([]);
  });

  it('a second connection of the same device replaces the first: CLOSING REPLACED, then close; the new one works', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const device = makeDevice(sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, device.publicKey]));
    const old = await useClient(relay.url, sodium, { device, reconnect: { baseMs: 10, maxMs: 50 } });
    must(await old.client.openTopic(cap));
    must(await old.client.subscribe(cap.topic, 0));

    const fresh = await useClient(relay.url, sodium, { device });
    await waitFor(() => old.ev.close.length === 1, { message: 'the old socket to close' });
    expect(old.ev.closing).toEqual([{ reason: 'REPLACED', message: expect.any(String) }]);
    expect(old.ev.close[0]).toMatchObject({ code: 4001, willReconnect: false });
    expect(old.client.isOpen).toBe(false);

    must(await fresh.client.openTopic(cap));
    must(await fresh.client.subscribe(cap.topic, 0));
    must(await a.client.publish(cap.topic, payloadOf('for the new socket')));
    await waitFor(() => fresh.on('update', cap.topic).length === 1);
    expect(old.ev.update).toEqual([]);
    expect(fresh.ev.closing).toEqual([]);
    expect((await relay.stats()).connections).toBe(2);
  });
});
