// A minimal raw client for the relay's own tests: a ws socket, the codec, and waiting on frames.
import WebSocket from 'ws';
import { decodeRelayFrame, encodeFrame } from '../src/shared/codec.js';
import { signAuth, signTopicProof } from '../src/shared/crypto/capability.js';
import type { TopicCapability } from '../src/shared/crypto/capability.js';
import { randomBytes } from '../src/shared/crypto/sodium.js';
import type { Sodium } from '../src/shared/crypto/sodium.js';
import { FrameType } from '../src/shared/frames.js';
import type { ClientFrame, RelayFrame } from '../src/shared/frames.js';
import type { DeviceKey } from '../src/shared/ids.js';

export type TestDevice = { key: DeviceKey; secret: Uint8Array };

export function makeDevice(sodium: Sodium): TestDevice {
  const kp = sodium.signSeedKeypair(randomBytes(32));
  return { key: kp.publicKey as DeviceKey, secret: kp.secretKey };
}

type Waiter = { match: (f: RelayFrame) => boolean; resolve: (f: RelayFrame) => void };

export class TestClient {
  readonly ws: WebSocket;
  /** Frames received and not yet taken by next(). */
  readonly inbox: RelayFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  nonce = new Uint8Array(0);
  private waiters: Waiter[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data: Buffer) => {
      const decoded = decodeRelayFrame(data, Number.MAX_SAFE_INTEGER);
      if (!decoded.ok) throw new Error(`undecodable relay frame: ${decoded.message}`);
      const frame = decoded.value;
      const i = this.waiters.findIndex((w) => w.match(frame));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(frame);
      else this.inbox.push(frame);
    });
  }

  /** Connects and takes the CHALLENGE. */
  static async connect(url: string): Promise<TestClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
    const client = new TestClient(ws);
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const challenge = await client.next(FrameType.Challenge);
    client.nonce = challenge.nonce.slice();
    return client;
  }

  /** Connects and authenticates as device. */
  static async device(url: string, sodium: Sodium, device: TestDevice): Promise<TestClient> {
    const client = await TestClient.connect(url);
    client.send({ type: FrameType.Auth, deviceKey: device.key, signature: signAuth(sodium, device.secret, client.nonce) });
    await client.next(FrameType.AuthOk);
    return client;
  }

  send(frame: ClientFrame | Uint8Array | string): void {
    this.ws.send(typeof frame === 'string' || frame instanceof Uint8Array ? frame : encodeFrame(frame));
  }

  /** The first frame of this type (and matching `where`), received or still to come. */
  next<T extends RelayFrame['type']>(type: T, where: (f: Extract<RelayFrame, { type: T }>) => boolean = () => true, timeoutMs = 5000): Promise<Extract<RelayFrame, { type: T }>> {
    const match = (f: RelayFrame): boolean => f.type === type && where(f as Extract<RelayFrame, { type: T }>);
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as Extract<RelayFrame, { type: T }>);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve: resolve as (f: RelayFrame) => void };
      this.waiters.push(waiter);
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no frame of type 0x${type.toString(16)} within ${timeoutMs} ms; unread: ${this.inbox.map((f) => f.type.toString(16)).join(',')}`));
      }, timeoutMs);
      timer.unref();
    });
  }

  /** Frames of this type received so far and not taken. */
  pending(type: RelayFrame['type']): RelayFrame[] {
    return this.inbox.filter((f) => f.type === type);
  }

  /** OPEN_TOPIC with a valid proof; resolves with the OK or ERROR answer. */
  async open(sodium: Sodium, device: TestDevice, cap: TopicCapability, reqId: number, flags = 0): Promise<RelayFrame> {
    const signature = signTopicProof(sodium, cap.secretKey, this.nonce, device.key, cap.capability);
    this.send({ type: FrameType.OpenTopic, reqId, capability: cap.capability, flags, signature });
    return this.reply(reqId);
  }

  /** The OK, ERROR, RECORD or PUBLISHED answering reqId. */
  reply(reqId: number): Promise<RelayFrame> {
    return new Promise((resolve, reject) => {
      const pick = (f: RelayFrame): boolean => 'reqId' in f && f.reqId === reqId;
      const i = this.inbox.findIndex(pick);
      if (i >= 0) return resolve(this.inbox.splice(i, 1)[0]!);
      const waiter: Waiter = { match: pick, resolve };
      this.waiters.push(waiter);
      setTimeout(() => reject(new Error(`no reply to reqId ${reqId}`)), 5000).unref();
    });
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}
