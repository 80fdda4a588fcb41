// Topic capabilities: without the proof nothing is stored or delivered; inbox topics take publishes
// from anyone authenticated but are read only with the capability; the sender is always attested.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { encodeFrame } from '../../../src/shared/codec.js';
import { FrameType, RelayErrorCode, TopicFlags } from '../../../src/shared/frames.js';
import { bytesEqual } from '../../../src/shared/ids.js';
import { authFrame, labelOf, makeDevice, makeInbox, makeTopic, openTopicFrame, payloadOf } from '../helpers/devices.js';
import { must, useClient, useRawSocket, useRelay } from '../helpers/harness.js';
import { isType } from '../helpers/raw-socket.js';
import { waitFor } from '../helpers/wait.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('topic capability', () => {
  it('refuses publish, subscribe, register, unregister, ephemeral and direct without the proof; nothing stored or delivered', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const b = await useClient(relay.url, sodium);
    const stranger = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await a.client.register(cap.topic, [a.device.publicKey, b.device.publicKey]));
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));

    expect(await stranger.client.publish(cap.topic, payloadOf('intruder'))).toMatchObject({ ok: false, code: 'NO_CAPABILITY' });
    expect(await stranger.client.subscribe(cap.topic, 0)).toMatchObject({ ok: false, code: 'NO_CAPABILITY' });
    expect(await stranger.client.register(cap.topic, [stranger.device.publicKey])).toMatchObject({ ok: false, code: 'NO_CAPABILITY' });
    expect(await stranger.client.unregister(cap.topic, [b.device.publicKey])).toMatchObject({ ok: false, code: 'NO_CAPABILITY' });
    stranger.client.ephemeral(cap.topic, payloadOf('typing'));
    stranger.client.direct(cap.topic, b.device.publicKey, payloadOf('psst'));
    await waitFor(() => stranger.errors('NO_CAPABILITY').length === 2, { message: 'NO_CAPABILITY for ephemeral and direct' });
    expect(await relay.stats()).toMatchObject({ storedUpdates: 0, storedBytes: 0 });

    // The first real publish gets seq 1: the refused one never took a seq; b still registered, got nothing else.
    expect(must(await a.client.publish(cap.topic, payloadOf('real')))).toBe(1);
    await waitFor(() => b.on('update', cap.topic).length === 1);
    expect(b.on('update', cap.topic).map((u) => labelOf(u.payload))).toEqual(['real']);
    expect(b.ev.ephemeral).toEqual([]);
    expect(b.ev.direct).toEqual([]);
    expect(stranger.ev.update).toEqual([]);
  });

  it('refuses OPEN_TOPIC with a bad proof (wrong key, another socket nonce, another device) with BAD_PROOF; no topic is created', async () => {
    const relay = await useRelay();
    const device = makeDevice(sodium);
    const raw = await useRawSocket(relay.url);
    raw.send(authFrame(sodium, device, raw.challenge.nonce));
    await raw.waitFrame(isType(FrameType.AuthOk));
    const other = await useRawSocket(relay.url);
    const cap = makeTopic(sodium);
    const wrongKey = { ...openTopicFrame(sodium, device, raw.challenge.nonce, makeTopic(sodium), 1), capability: cap.capability };
    const otherNonce = openTopicFrame(sodium, device, other.challenge.nonce, cap, 2);
    const otherDevice = openTopicFrame(sodium, makeDevice(sodium), raw.challenge.nonce, cap, 3);
    for (const frame of [wrongKey, otherNonce, otherDevice]) {
      const mark = raw.mark();
      raw.send(frame);
      const reply = await raw.waitFrame((f) => (f.type === FrameType.Error || f.type === FrameType.Ok) && f.reqId === frame.reqId, mark);
      expect(reply).toMatchObject({ type: FrameType.Error, code: RelayErrorCode.BAD_PROOF });
    }
    expect((await relay.stats()).topics).toBe(0);
    const mark = raw.mark();
    raw.send({ type: FrameType.Publish, reqId: 4, topic: cap.topic, payload: payloadOf('x') });
    const refused = await raw.waitFrame((f) => f.type === FrameType.Error && f.reqId === 4, mark);
    expect([RelayErrorCode.NO_CAPABILITY, RelayErrorCode.UNKNOWN_TOPIC]).toContain(refused.type === FrameType.Error ? refused.code : -1);
    expect(await relay.stats()).toMatchObject({ topics: 0, storedUpdates: 0 });
  });

  it('attests the sender: the UPDATE names the publishing connection, whatever the payload claims', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const b = await useClient(relay.url, sodium);
    const victim = makeDevice(sodium);
    const cap = makeTopic(sodium);
    for (const c of [a, b]) {
      must(await c.client.openTopic(cap));
      must(await c.client.subscribe(cap.topic, 0));
    }
    // A payload that starts like an envelope header naming the victim as sender.
    const claim = new Uint8Array(1 + 32 + 32 + 16);
    claim[0] = 1;
    claim.set(cap.topic, 1);
    claim.set(victim.publicKey, 33);
    must(await a.client.publish(cap.topic, claim));
    // A raw PUBLISH with the victim's key appended where a sender field would go is refused as malformed.
    const raw = await useRawSocket(relay.url);
    const rawDevice = makeDevice(sodium);
    raw.send(authFrame(sodium, rawDevice, raw.challenge.nonce));
    await raw.waitFrame(isType(FrameType.AuthOk));
    raw.send(openTopicFrame(sodium, rawDevice, raw.challenge.nonce, cap, 1));
    await raw.waitFrame((f) => f.type === FrameType.Ok && f.reqId === 1);
    const mark = raw.mark();
    raw.send(Uint8Array.of(...encodeFrame({ type: FrameType.Publish, reqId: 2, topic: cap.topic, payload: payloadOf('p') }), ...victim.publicKey));
    expect(await raw.waitFrame(isType(FrameType.Error), mark)).toMatchObject({ code: RelayErrorCode.MALFORMED });

    await waitFor(() => b.on('update', cap.topic).length === 1);
    must(await b.client.openTopic(cap)); // round trip: nothing else is on its way
    const updates = b.on('update', cap.topic);
    expect(updates).toHaveLength(1);
    expect(bytesEqual(updates[0]!.sender, a.device.publicKey)).toBe(true);
    expect(bytesEqual(updates[0]!.payload, claim)).toBe(true);
  });
});

describe('pipelined requests', () => {
  it('handles one socket\'s frames in order: PUBLISH and SUBSCRIBE sent right after OPEN_TOPIC, without waiting, succeed', async () => {
    const relay = await useRelay();
    const device = makeDevice(sodium);
    const raw = await useRawSocket(relay.url);
    raw.send(authFrame(sodium, device, raw.challenge.nonce));
    await raw.waitFrame(isType(FrameType.AuthOk));
    const cap = makeTopic(sodium);
    raw.send(openTopicFrame(sodium, device, raw.challenge.nonce, cap, 1));
    raw.send({ type: FrameType.Publish, reqId: 2, topic: cap.topic, payload: payloadOf('pipelined') });
    raw.send({ type: FrameType.Subscribe, reqId: 3, topic: cap.topic, cursor: 0 });
    const replies = await Promise.all([1, 2, 3].map((reqId) => raw.waitFrame((f) => 'reqId' in f && f.reqId === reqId)));
    expect(replies.map((f) => f.type)).toEqual([FrameType.Ok, FrameType.Published, FrameType.Ok]);
  });
});

describe('inbox topics (OpenPublish)', () => {
  it('take publishes from any authenticated device, but only capability holders read or register', async () => {
    const relay = await useRelay();
    const owner = await useClient(relay.url, sodium);
    const ownerOther = makeDevice(sodium);
    const stranger = await useClient(relay.url, sodium);
    const inbox = makeInbox(sodium);
    must(await owner.client.openTopic(inbox, TopicFlags.OpenPublish));
    must(await owner.client.register(inbox.topic, [owner.device.publicKey, ownerOther.publicKey]));
    must(await owner.client.subscribe(inbox.topic, 0));

    const seq = must(await stranger.client.publish(inbox.topic, payloadOf('invite')));
    await waitFor(() => owner.on('update', inbox.topic).length === 1, { message: 'the invite at the owner' });
    const got = owner.on('update', inbox.topic)[0]!;
    expect(got.seq).toBe(seq);
    expect(bytesEqual(got.sender, stranger.device.publicKey)).toBe(true);
    expect(labelOf(got.payload)).toBe('invite');

    expect(await stranger.client.subscribe(inbox.topic, 0)).toMatchObject({ ok: false, code: 'NO_CAPABILITY' });
    expect(await stranger.client.register(inbox.topic, [stranger.device.publicKey])).toMatchObject({ ok: false, code: 'NO_CAPABILITY' });
    stranger.client.ephemeral(inbox.topic, payloadOf('typing'));
    await waitFor(() => stranger.errors('NO_CAPABILITY').length === 1);
    expect(stranger.ev.update).toEqual([]);
    // Kept for the owner's other device, which has not connected yet.
    expect((await relay.stats()).storedUpdates).toBe(1);
  });

  it('keeps the flags fixed at creation: opening with other flags is FLAGS_MISMATCH', async () => {
    const relay = await useRelay();
    const owner = await useClient(relay.url, sodium);
    const inbox = makeInbox(sodium);
    must(await owner.client.openTopic(inbox, TopicFlags.OpenPublish));
    expect(await owner.client.openTopic(inbox, 0)).toMatchObject({ ok: false, code: 'FLAGS_MISMATCH' });
    const plain = makeTopic(sodium);
    must(await owner.client.openTopic(plain, 0));
    const stranger = await useClient(relay.url, sodium);
    expect(await stranger.client.publish(plain.topic, payloadOf('x'))).toMatchObject({ ok: false, code: 'NO_CAPABILITY' });
  });
});
