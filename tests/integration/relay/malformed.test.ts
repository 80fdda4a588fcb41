// Malformed, oversized and unauthenticated frames get an ERROR; the socket stays open and keeps
// working, and everyone else is served.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { encodeFrame } from '../../../src/shared/codec.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { randomBytes } from '../../../src/shared/crypto/sodium.js';
import { FrameType, PROTOCOL_VERSION, RelayErrorCode } from '../../../src/shared/frames.js';
import type { ErrorFrame } from '../../../src/shared/frames.js';
import type { TopicId } from '../../../src/shared/ids.js';
import { authFrame, makeDevice, makeTopic, openTopicFrame, payloadOf } from '../helpers/devices.js';
import { must, useClient, useRawSocket, useRelay } from '../helpers/harness.js';
import type { RawSocket } from '../helpers/raw-socket.js';
import { isType } from '../helpers/raw-socket.js';
import { waitFor } from '../helpers/wait.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const isError = isType(FrameType.Error);

async function authed(url: string): Promise<RawSocket> {
  const raw = await useRawSocket(url);
  const mark = raw.mark();
  raw.send(authFrame(sodium, makeDevice(sodium), raw.challenge.nonce));
  await raw.waitFrame(isType(FrameType.AuthOk), mark);
  return raw;
}

/** Sends bytes and returns the ERROR they caused. */
async function errorFor(raw: RawSocket, bytes: Uint8Array | string): Promise<ErrorFrame> {
  const mark = raw.mark();
  if (typeof bytes === 'string') raw.ws.send(bytes);
  else raw.send(bytes);
  return raw.waitFrame(isError, mark);
}

let nextReqId = 100;
/** Proves the socket still works: a fresh topic opens with OK. */
async function stillWorks(raw: RawSocket): Promise<void> {
  const reqId = nextReqId++;
  const mark = raw.mark();
  raw.send(openTopicFrame(sodium, makeDevice(sodium), raw.challenge.nonce, makeTopic(sodium), reqId));
  // The proof names another device key, so the relay must answer BAD_PROOF — any reply proves liveness,
  // but a correct one proves the request was parsed.
  const reply = await raw.waitFrame((f) => (f.type === FrameType.Ok || f.type === FrameType.Error) && f.reqId === reqId, mark);
  expect(reply.type).toBe(FrameType.Error);
  expect(raw.isOpen()).toBe(true);
}

describe('malformed frames', () => {
  it('answers each kind of malformed frame with an ERROR (reqId 0) and keeps the socket working', async () => {
    const relay = await useRelay();
    const raw = await authed(relay.url);
    const topic = randomBytes(32) as TopicId;
    const publish = encodeFrame({ type: FrameType.Publish, reqId: 7, topic, payload: payloadOf('x', 40) });
    const cases: [string, Uint8Array | string, keyof typeof RelayErrorCode][] = [
      ['unknown frame type', new Uint8Array([PROTOCOL_VERSION, 0x3e, 1, 2, 3]), 'MALFORMED'],
      ['garbage', randomBytes(64).map((b, i) => (i === 0 ? PROTOCOL_VERSION : i === 1 ? 0x3d : b)), 'MALFORMED'],
      ['wrong version', Uint8Array.of(PROTOCOL_VERSION + 1, ...publish.subarray(1)), 'UNSUPPORTED_VERSION'],
      ['truncated', publish.subarray(0, publish.length - 10), 'MALFORMED'],
      ['header only', new Uint8Array([PROTOCOL_VERSION]), 'MALFORMED'],
      ['empty', new Uint8Array(0), 'MALFORMED'],
      ['trailing bytes', Uint8Array.of(...publish, 0, 0), 'MALFORMED'],
      ['text frame', 'hello relay', 'MALFORMED'],
    ];
    for (const [name, bytes, code] of cases) {
      const e = await errorFor(raw, bytes);
      expect([name, e.code, e.reqId]).toEqual([name, RelayErrorCode[code], 0]);
      await stillWorks(raw);
    }
    expect(await relay.stats()).toMatchObject({ storedUpdates: 0, topics: 0 });
  });

  it('keeps serving other clients while one sends garbage', async () => {
    const relay = await useRelay();
    const a = await useClient(relay.url, sodium);
    const b = await useClient(relay.url, sodium);
    const cap = makeTopic(sodium);
    must(await a.client.openTopic(cap));
    must(await b.client.openTopic(cap));
    must(await b.client.subscribe(cap.topic, 0));
    const raw = await authed(relay.url);
    for (let i = 0; i < 20; i++) raw.send(randomBytes(100));
    must(await a.client.publish(cap.topic, payloadOf('fine')));
    await waitFor(() => b.on('update', cap.topic).length === 1, { message: 'the update at b' });
    expect(raw.isOpen()).toBe(true);
  });

  it('answers a frame over --max-frame-bytes with FRAME_TOO_LARGE, stores nothing and keeps the socket', async () => {
    const relay = await useRelay({ args: ['--max-frame-bytes', '4096'] });
    const raw = await authed(relay.url);
    expect(raw.challenge.maxFrameBytes).toBe(4096);
    const cap = makeTopic(sodium);
    const device = makeDevice(sodium);
    const raw2 = await useRawSocket(relay.url);
    raw2.send(authFrame(sodium, device, raw2.challenge.nonce));
    await raw2.waitFrame(isType(FrameType.AuthOk));
    raw2.send(openTopicFrame(sodium, device, raw2.challenge.nonce, cap, 1));
    await raw2.waitFrame((f) => f.type === FrameType.Ok && f.reqId === 1);
    const e = await errorFor(raw2, encodeFrame({ type: FrameType.Publish, reqId: 2, topic: cap.topic, payload: new Uint8Array(6000) }));
    expect(e.code).toBe(RelayErrorCode.FRAME_TOO_LARGE);
    expect(raw2.isOpen()).toBe(true);
    const mark = raw2.mark();
    raw2.send({ type: FrameType.Publish, reqId: 3, topic: cap.topic, payload: new Uint8Array(1000) });
    const published = await raw2.waitFrame(isType(FrameType.Published), mark);
    expect(published).toMatchObject({ reqId: 3, seq: 1 });
    expect(await relay.stats()).toMatchObject({ storedUpdates: 1, storedBytes: 1000 });
    await stillWorks(raw);
    // Beyond the hard cap (4 × max frame bytes) the socket is closed (1009); others stay served.
    raw.send(new Uint8Array(4 * 4096 + 1000));
    expect((await raw.closed).code).toBe(1009);
    const mark2 = raw2.mark();
    raw2.send({ type: FrameType.Publish, reqId: 4, topic: cap.topic, payload: new Uint8Array(10) });
    await raw2.waitFrame(isType(FrameType.Published), mark2);
  });
});

describe('unauthenticated and unauthorized frames', () => {
  it('answers frames before AUTH with NOT_AUTHENTICATED, keeps the socket, then accepts AUTH', async () => {
    const relay = await useRelay();
    const raw = await useRawSocket(relay.url);
    const cap = makeTopic(sodium);
    const device = makeDevice(sodium);
    const early = [
      encodeFrame({ type: FrameType.Subscribe, reqId: 1, topic: cap.topic, cursor: 0 }),
      encodeFrame({ type: FrameType.Publish, reqId: 2, topic: cap.topic, payload: payloadOf('early') }),
      encodeFrame(openTopicFrame(sodium, device, raw.challenge.nonce, cap, 3)),
    ];
    for (const bytes of early) {
      const e = await errorFor(raw, bytes);
      expect(e.code).toBe(RelayErrorCode.NOT_AUTHENTICATED);
      expect(raw.isOpen()).toBe(true);
    }
    expect(await relay.stats()).toMatchObject({ topics: 0, storedUpdates: 0 });
    const mark = raw.mark();
    raw.send(authFrame(sodium, device, raw.challenge.nonce));
    const ok = await raw.waitFrame(isType(FrameType.AuthOk), mark);
    expect(ok.deviceKey).toEqual(device.publicKey);
    expect(ok.storeId).toHaveLength(16);
  });

  it('gives a socket at least 10 s to authenticate', { timeout: 20_000 }, async () => {
    const relay = await useRelay();
    const raw = await useRawSocket(relay.url);
    // The waiting is what is under test here, not a synchronisation.
    await new Promise((resolve) => setTimeout(resolve, 9_500));
    expect(raw.isOpen()).toBe(true);
    const mark = raw.mark();
    raw.send(authFrame(sodium, makeDevice(sodium), raw.challenge.nonce));
    await raw.waitFrame(isType(FrameType.AuthOk), mark);
  });

  it('answers an AUTH with a bad signature (or another nonce) with AUTH_FAILED', async () => {
    const relay = await useRelay();
    const raw = await useRawSocket(relay.url);
    const device = makeDevice(sodium);
    const forged = { ...authFrame(sodium, makeDevice(sodium), raw.challenge.nonce), deviceKey: device.publicKey };
    expect((await errorFor(raw, encodeFrame(forged))).code).toBe(RelayErrorCode.AUTH_FAILED);
    const raw2 = await useRawSocket(relay.url);
    const replayed = authFrame(sodium, device, raw.challenge.nonce); // signed for another socket's challenge
    expect((await errorFor(raw2, encodeFrame(replayed))).code).toBe(RelayErrorCode.AUTH_FAILED);
  });
});
