// DIRECT frames reach one named online device; EPHEMERAL frames reach online subscribers; neither is stored.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { bytesEqual } from '../../../src/shared/ids.js';
import type { TopicCapability } from '../../../src/shared/crypto/capability.js';
import { labelOf, makeDevice, makeTopic, payloadOf } from '../helpers/devices.js';
import { must, useClient, useRelay } from '../helpers/harness.js';
import type { TestClient } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

async function joined(clients: TestClient[], cap: TopicCapability, subscribe = true): Promise<void> {
  for (const c of clients) {
    must(await c.client.openTopic(cap));
    if (!subscribe) continue;
    must(await c.client.subscribe(cap.topic, 0));
    await waitFor(() => c.on('caughtUp', cap.topic).length === 1);
  }
}

describe('DIRECT frames', () => {
  it('go to the one named online device only, with the relay-attested sender, and are not stored', async () => {
    const relay = await useRelay();
    const [a, b, c] = [await useClient(relay.url, sodium), await useClient(relay.url, sodium), await useClient(relay.url, sodium)];
    const cap = makeTopic(sodium);
    await joined([a, b, c], cap);
    expect(a.client.direct(cap.topic, b.device.publicKey, payloadOf('state vector'))).toBe(true);
    await waitFor(() => b.on('direct', cap.topic).length === 1, { message: 'DIRECT at b' });
    const got = b.on('direct', cap.topic)[0]!;
    expect(labelOf(got.payload)).toBe('state vector');
    expect(bytesEqual(got.sender, a.device.publicKey)).toBe(true);
    // Round trips on c and a: anything misrouted to them would have arrived before these replies.
    must(await c.client.openTopic(cap));
    must(await a.client.openTopic(cap));
    expect(c.ev.direct).toEqual([]);
    expect(a.ev.direct).toEqual([]);
    expect(a.ev.error).toEqual([]);
    expect(b.on('update', cap.topic)).toEqual([]);
    expect(await relay.stats()).toMatchObject({ storedUpdates: 0, storedBytes: 0 });
  });

  it('answer TARGET_OFFLINE when the named device is not online (never connected, or gone)', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const b = await useClient(relay.url, sodium);
    const never = makeDevice(sodium);
    const cap = makeTopic(sodium);
    await joined([a, b], cap);
    must(await a.client.register(cap.topic, [never.publicKey]));
    a.client.direct(cap.topic, never.publicKey, payloadOf('hello?'));
    await waitFor(() => a.errors('TARGET_OFFLINE').length === 1, { message: 'TARGET_OFFLINE for a device that never connected' });
    expect(bytesEqual(a.errors('TARGET_OFFLINE')[0]!.topic!, cap.topic)).toBe(true);

    await b.client.close();
    await waitFor(async () => (await relay.stats()).connections === 1, { message: 'the relay to see b leave' });
    a.client.direct(cap.topic, b.device.publicKey, payloadOf('still there?'));
    await waitFor(() => a.errors('TARGET_OFFLINE').length === 2, { message: 'TARGET_OFFLINE for a device that left' });
    expect(await relay.stats()).toMatchObject({ storedUpdates: 0 });
  });
});

describe('EPHEMERAL frames', () => {
  it('go to online subscribers except the sender, never to others, and are never stored', async () => {
    const relay = await useRelay();
    const [a, b, c] = [await useClient(relay.url, sodium), await useClient(relay.url, sodium), await useClient(relay.url, sodium)];
    const later = makeDevice(sodium);
    const cap = makeTopic(sodium);
    await joined([a, b], cap);
    await joined([c], cap, false); // holds the capability, not subscribed
    must(await a.client.register(cap.topic, [a.device.publicKey, b.device.publicKey, c.device.publicKey, later.publicKey]));

    expect(a.client.ephemeral(cap.topic, payloadOf('typing'))).toBe(true);
    await waitFor(() => b.on('ephemeral', cap.topic).length === 1, { message: 'EPHEMERAL at b' });
    const got = b.on('ephemeral', cap.topic)[0]!;
    expect(labelOf(got.payload)).toBe('typing');
    expect(bytesEqual(got.sender, a.device.publicKey)).toBe(true);
    must(await a.client.openTopic(cap));
    must(await c.client.openTopic(cap));
    expect(a.ev.ephemeral).toEqual([]);
    expect(c.ev.ephemeral).toEqual([]);
    expect(await relay.stats()).toMatchObject({ storedUpdates: 0, storedBytes: 0 });

    // A registered device that comes online later gets neither the frame nor an update for it.
    const d = await useClient(relay.url, sodium, { device: later });
    await joined([d], cap);
    expect(d.on('caughtUp', cap.topic)[0]!.headSeq).toBe(0);
    expect(d.ev.ephemeral).toEqual([]);
    expect(d.ev.update).toEqual([]);
  });
});
