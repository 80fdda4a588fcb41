// The client against a scripted in-process fake relay (the real relay is covered by tests/integration).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { decodeClientFrame, encodeFrame } from '../../shared/codec.js';
import { deriveCapability, verifyAuth, verifyTopicProof } from '../../shared/crypto/capability.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { CloseReason, FrameType, RelayErrorCode } from '../../shared/frames.js';
import type { ClientFrame, RelayFrame } from '../../shared/frames.js';
import type { DeviceKey, Seq, StoreId } from '../../shared/ids.js';
import { loadSodium } from '../crypto/index.js';
import { RelayClient } from './client.js';

type Conn = { ws: WebSocket; frames: ClientFrame[]; nonce: Uint8Array; send(f: RelayFrame): void };

/** A fake relay: authenticates like the real one, records frames, and lets each test script replies. */
async function fakeRelay(sodium: Sodium, onFrame: (c: Conn, f: ClientFrame) => void = () => undefined) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const conns: Conn[] = [];
  const storeId = randomBytes(16) as StoreId;
  wss.on('connection', (ws) => {
    const c: Conn = { ws, frames: [], nonce: randomBytes(32), send: (f) => ws.send(encodeFrame(f)) };
    conns.push(c);
    ws.on('message', (data: Buffer) => {
      const r = decodeClientFrame(data);
      if (!r.ok) throw new Error(r.message);
      const f = r.value;
      c.frames.push(f);
      if (f.type === FrameType.Auth) {
        if (verifyAuth(sodium, f.deviceKey, c.nonce, f.signature)) c.send({ type: FrameType.AuthOk, storeId, deviceKey: f.deviceKey });
        else c.send({ type: FrameType.Error, reqId: 0, code: RelayErrorCode.AUTH_FAILED, topic: null, message: 'bad signature' });
      } else onFrame(c, f);
    });
    c.send({ type: FrameType.Challenge, nonce: c.nonce, maxFrameBytes: 1 << 18 });
  });
  const address = wss.address() as { port: number };
  return { url: `ws://127.0.0.1:${address.port}`, conns, close: () => new Promise((r) => wss.close(r)) };
}

async function until<T>(f: () => T | undefined | false, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let sodium: Sodium;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  sodium = await loadSodium();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function device() {
  const kp = sodium.signSeedKeypair(randomBytes(32));
  return { publicKey: kp.publicKey as DeviceKey, secretKey: kp.secretKey };
}

function client(opts: Partial<ConstructorParameters<typeof RelayClient>[0]> = {}) {
  const c = new RelayClient({ sodium, device: device(), reconnect: false, ...opts });
  cleanups.push(() => c.close());
  return c;
}

describe('RelayClient against a fake relay', () => {
  it('answers the challenge with a valid AUTH and keeps the store id', async () => {
    const relay = await fakeRelay(sodium);
    cleanups.push(relay.close);
    const c = client();
    const r = await c.connect(relay.url);
    expect(r.ok).toBe(true);
    expect(c.storeId).not.toBeNull();
    expect(c.isOpen).toBe(true);
  });

  it('matches replies to requests by reqId even out of order, and proves topics with the capability', async () => {
    const held: Conn[] = [];
    const relay = await fakeRelay(sodium, (conn, f) => {
      if (f.type === FrameType.OpenTopic) {
        const valid = verifyTopicProof(sodium, f.signature, conn.nonce, conn.frames[0]!.type === FrameType.Auth ? conn.frames[0]!.deviceKey : (null as never), f.capability);
        conn.send(valid ? { type: FrameType.Ok, reqId: f.reqId, topic: sodium.hash(f.capability, 32) as never } : { type: FrameType.Error, reqId: f.reqId, code: RelayErrorCode.BAD_PROOF, topic: null, message: 'bad' });
      }
      if (f.type === FrameType.Publish) held.push(conn);
    });
    cleanups.push(relay.close);
    const c = client();
    await c.connect(relay.url);
    const cap = deriveCapability(sodium, randomBytes(32));
    const opened = await c.openTopic(cap);
    expect(opened).toEqual({ ok: true, value: cap.topic });
    const p1 = c.publish(cap.topic, new Uint8Array([1]));
    const p2 = c.publish(cap.topic, new Uint8Array([2]));
    await until(() => held.length === 2);
    const conn = relay.conns[0]!;
    const [f1, f2] = conn.frames.filter((f) => f.type === FrameType.Publish) as Extract<ClientFrame, { type: 5 }>[];
    conn.send({ type: FrameType.Error, reqId: f2!.reqId, code: RelayErrorCode.QUOTA, topic: cap.topic, message: 'full' });
    conn.send({ type: FrameType.Published, reqId: f1!.reqId, topic: cap.topic, seq: 41 as Seq });
    expect(await p1).toEqual({ ok: true, value: 41 });
    expect(await p2).toMatchObject({ ok: false, code: 'QUOTA' });
  });

  it('coalesces acks per topic into one ACK frame with the highest seq', async () => {
    const relay = await fakeRelay(sodium);
    cleanups.push(relay.close);
    const c = client({ ackDelayMs: 20 });
    await c.connect(relay.url);
    const topic = randomBytes(32) as never;
    for (let seq = 1; seq <= 50; seq++) c.ack(topic, seq);
    const acks = await until(() => {
      const a = relay.conns[0]!.frames.filter((f) => f.type === FrameType.Ack);
      return a.length > 0 && a;
    });
    expect(acks).toEqual([{ type: FrameType.Ack, topic, seq: 50 }]);
  });

  it('resolves pending requests DISCONNECTED when the socket drops', async () => {
    const relay = await fakeRelay(sodium);
    cleanups.push(relay.close);
    const c = client();
    await c.connect(relay.url);
    const pending = c.publish(randomBytes(32) as never, new Uint8Array([1]));
    await until(() => relay.conns[0]!.frames.length === 2);
    relay.conns[0]!.ws.terminate();
    expect(await pending).toMatchObject({ ok: false, code: 'DISCONNECTED' });
    expect(await c.publish(randomBytes(32) as never, new Uint8Array([1]))).toMatchObject({ ok: false, code: 'NOT_CONNECTED' });
  });

  it('reconnects, re-proves its topics, resubscribes from the highest acked seq, then sends waiting acks', async () => {
    const relay = await fakeRelay(sodium, (conn, f) => {
      if (f.type === FrameType.OpenTopic) conn.send({ type: FrameType.Ok, reqId: f.reqId, topic: sodium.hash(f.capability, 32) as never });
      if (f.type === FrameType.Subscribe) conn.send({ type: FrameType.Ok, reqId: f.reqId, topic: f.topic });
    });
    cleanups.push(relay.close);
    // The first retry waits at least 50 ms (random() pinned high), so the ack below lands while offline.
    const c = client({ reconnect: { baseMs: 100, maxMs: 100 }, ackDelayMs: 0, random: () => 0.5 });
    const opens: boolean[] = [];
    const closes: number[] = [];
    c.on('open', (e) => opens.push(e.reconnected));
    c.on('close', (e) => closes.push(e.code));
    await c.connect(relay.url);
    const cap = deriveCapability(sodium, randomBytes(32));
    await c.openTopic(cap);
    expect((await c.subscribe(cap.topic, 3)).ok).toBe(true);
    c.ack(cap.topic, 9);
    await until(() => relay.conns[0]!.frames.some((f) => f.type === FrameType.Ack));
    relay.conns[0]!.ws.terminate();
    await until(() => closes.length === 1);
    expect(c.isOpen).toBe(false);
    c.ack(cap.topic, 12); // no socket: it waits, and must not reach the relay before the topic is proven again
    const second = await until(() => relay.conns[1]?.frames.some((f) => f.type === FrameType.Ack) && relay.conns[1]);
    expect(second.frames.map((f) => f.type)).toEqual([FrameType.Auth, FrameType.OpenTopic, FrameType.Subscribe, FrameType.Ack]);
    expect(second.frames[2]).toMatchObject({ topic: cap.topic, cursor: 12 });
    expect(second.frames[3]).toMatchObject({ topic: cap.topic, seq: 12 });
    await until(() => opens.length === 2);
    expect(opens).toEqual([false, true]);
  });

  it('stops reconnecting after CLOSING REPLACED', async () => {
    const relay = await fakeRelay(sodium);
    cleanups.push(relay.close);
    const c = client({ reconnect: { baseMs: 1, maxMs: 2 } });
    const closes: boolean[] = [];
    c.on('close', (e) => closes.push(e.willReconnect));
    await c.connect(relay.url);
    relay.conns[0]!.send({ type: FrameType.Closing, reason: CloseReason.REPLACED, message: 'replaced' });
    relay.conns[0]!.ws.close(4001);
    await until(() => closes.length === 1);
    expect(closes).toEqual([false]);
    expect(relay.conns.length).toBe(1);
  });

  it('reports AUTH_FAILED from connect() and does not retry', async () => {
    const relay = await fakeRelay(sodium);
    cleanups.push(relay.close);
    const dev = device();
    const c = client({ device: { publicKey: dev.publicKey, secretKey: device().secretKey }, reconnect: { baseMs: 1, maxMs: 2 } });
    expect(await c.connect(relay.url)).toMatchObject({ ok: false, code: 'AUTH_FAILED' });
    expect(relay.conns.length).toBe(1);
  });

  it('reports CONNECT_FAILED when nothing listens', async () => {
    const relay = await fakeRelay(sodium);
    await relay.close();
    const c = client();
    expect(await c.connect(relay.url)).toMatchObject({ ok: false, code: 'CONNECT_FAILED' });
  });
});
