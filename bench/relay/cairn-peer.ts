// Peer for cairn-relay, lean but doing what a real device does: AUTH (Ed25519 over the challenge),
// OPEN_TOPIC with the capability proof, REGISTER (the room's creator registers every device), SUBSCRIBE,
// then PUBLISH, and cumulative ACKs paced as the relay client's AckCoalescer paces them (nextAckDelayMs:
// DEFAULT_ACK_DELAY_MS after a quiet spell, DEFAULT_ACK_INTERVAL_MS apart while updates flow), each device on its own timer.
import type WebSocket from 'ws';
import { decodeRelayFrame, encodeFrame } from '../../src/shared/codec.js';
import { FrameType, RelayErrorCode } from '../../src/shared/frames.js';
import type { RelayFrame } from '../../src/shared/frames.js';
import type { DeviceKey } from '../../src/shared/ids.js';
import { deriveCapability, signAuth, signTopicProof } from '../../src/shared/crypto/capability.js';
import type { TopicCapability } from '../../src/shared/crypto/capability.js';
import { randomBytes } from '../../src/shared/crypto/sodium.js';
import type { SignKeyPair, Sodium } from '../../src/shared/crypto/sodium.js';
import { DEFAULT_ACK_DELAY_MS, DEFAULT_ACK_INTERVAL_MS, nextAckDelayMs } from '../../src/main/relay-client/ack-coalescer.js';
import { makePayload, nowMs, readPayloadAt } from './payload.js';
import type { PayloadInfo } from './payload.js';
import { inBatches, openSocket } from './peer.js';
import type { ConnectRoom, DeliveryListener, Peer, RoomSpec } from './peer.js';

/** The relay client's default ack pacing; BENCH_ACK_DELAY_MS and BENCH_ACK_INTERVAL_MS override it for experiments. */
const ACK_DELAY_MS = Number(process.env.BENCH_ACK_DELAY_MS ?? DEFAULT_ACK_DELAY_MS);
const ACK_INTERVAL_MS = Number(process.env.BENCH_ACK_INTERVAL_MS ?? DEFAULT_ACK_INTERVAL_MS);
const SETUP_TIMEOUT_MS = 20_000;
const REQ_OPEN = 1;
const REQ_REGISTER = 2;
const REQ_SUBSCRIBE = 3;


export type CairnConnector = {
  connectRoom: ConnectRoom;
  /** Error frames seen after setup, by code name (RATE_LIMITED, QUOTA, … would mean lost messages). */
  errors(): Record<string, number>;
};

const ERROR_NAMES = new Map<number, string>(Object.entries(RelayErrorCode).map(([name, code]) => [code, name]));

type PeerContext = {
  sodium: Sodium;
  payloadBytes: number;
  onDelivery: DeliveryListener;
  onError: (code: number) => void;
};

async function cairnPeer(url: string, ctx: PeerContext, device: SignKeyPair, cap: TopicCapability, register: DeviceKey[] | null, id: number): Promise<Peer> {
  const { sodium, onDelivery, onError } = ctx;
  const deviceKey = device.publicKey as DeviceKey;
  const info: PayloadInfo = { msgId: 0, sentAt: 0, publisher: 0 };
  let received = 0;
  let acked = 0;
  let ackTimer: ReturnType<typeof setTimeout> | null = null;
  let lastAckAt = Number.NEGATIVE_INFINITY;
  let ready = false;
  let nonce: Uint8Array | null = null;
  let settle: { resolve(): void; reject(e: Error): void } | null = null;
  const readyOnce = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  readyOnce.catch(() => {}); // awaited below once the socket is open; a failure before that must not go unhandled
  const fail = (ws: WebSocket, why: string): void => {
    ws.terminate();
    settle?.reject(new Error(`cairn peer ${id}: ${why}`));
  };
  const send = (ws: WebSocket, frame: Parameters<typeof encodeFrame>[0]): void => ws.send(encodeFrame(frame));
  const scheduleAck = (ws: WebSocket): void => {
    if (ackTimer !== null || received <= acked) return;
    ackTimer = setTimeout(() => {
      ackTimer = null;
      acked = received;
      lastAckAt = performance.now();
      if (ws.readyState === ws.OPEN) send(ws, { type: FrameType.Ack, topic: cap.topic, seq: acked });
    }, nextAckDelayMs(ACK_DELAY_MS, ACK_INTERVAL_MS, performance.now() - lastAckAt));
  };

  const handle = (ws: WebSocket, frame: RelayFrame): void => {
    switch (frame.type) {
      case FrameType.Update:
        if (frame.seq > received) received = frame.seq;
        if (ready) scheduleAck(ws);
        if (readPayloadAt(frame.payload, 0, info)) onDelivery(info);
        return;
      case FrameType.Challenge:
        nonce = frame.nonce.slice();
        send(ws, { type: FrameType.Auth, deviceKey, signature: signAuth(sodium, device.secretKey, nonce) });
        return;
      case FrameType.AuthOk:
        if (nonce === null) return fail(ws, 'AUTH_OK before CHALLENGE');
        send(ws, { type: FrameType.OpenTopic, reqId: REQ_OPEN, capability: cap.capability, flags: 0, signature: signTopicProof(sodium, cap.secretKey, nonce, deviceKey, cap.capability) });
        return;
      case FrameType.Ok:
        if (frame.reqId === REQ_OPEN && register !== null) send(ws, { type: FrameType.Register, reqId: REQ_REGISTER, topic: cap.topic, devices: register });
        else if (frame.reqId === REQ_OPEN || frame.reqId === REQ_REGISTER) send(ws, { type: FrameType.Subscribe, reqId: REQ_SUBSCRIBE, topic: cap.topic, cursor: 0 });
        return;
      case FrameType.CaughtUp:
        if (ready) return;
        ready = true;
        scheduleAck(ws);
        settle?.resolve();
        return;
      case FrameType.Error:
        if (!ready) return fail(ws, `ERROR ${ERROR_NAMES.get(frame.code) ?? frame.code}: ${frame.message}`);
        onError(frame.code);
        return;
      case FrameType.Closing:
        if (!ready) return fail(ws, `CLOSING ${frame.reason}: ${frame.message}`);
        onError(-2);
        return;
      default:
        return; // PUBLISHED, ACKED, DELIVERED, GAP: nothing for the bench to do.
    }
  };

  const ws = await openSocket(url, (socket, data) => {
    const decoded = decodeRelayFrame(data);
    if (decoded.ok) handle(socket, decoded.value);
    else if (!ready) fail(socket, `undecodable frame: ${decoded.code}`);
    else onError(-1);
  });
  ws.once('close', (code: number, reason: Buffer) => {
    if (!ready) fail(ws, `socket closed during setup (${code} ${reason.toString()})`);
  });
  const timer = setTimeout(() => fail(ws, 'setup timed out'), SETUP_TIMEOUT_MS);
  try {
    await readyOnce;
  } finally {
    clearTimeout(timer);
  }
  let reqId = 100;
  return {
    id,
    publish(msgId) {
      send(ws, { type: FrameType.Publish, reqId: reqId++, topic: cap.topic, payload: makePayload(ctx.payloadBytes, msgId, id, nowMs()) });
    },
    close() {
      if (ackTimer !== null) clearTimeout(ackTimer);
      ws.terminate();
    },
  };
}

/** One connector per load generator: it keeps the error frames all Cairn peers saw after setup. */
export function createCairnConnector(sodium: Sodium): CairnConnector {
  const errors = new Map<number, number>();
  const onError = (code: number): void => {
    errors.set(code, (errors.get(code) ?? 0) + 1);
  };

  const connectRoom: ConnectRoom = async (spec: RoomSpec, onDelivery) => {
    const cap = deriveCapability(sodium, randomBytes(32)); // a fresh chat key per room
    const devices = Array.from({ length: spec.devices }, () => sodium.signSeedKeypair(randomBytes(32)));
    const ctx: PeerContext = { sodium, payloadBytes: spec.payloadBytes, onDelivery, onError };
    const connect = (i: number, register: DeviceKey[] | null): Promise<Peer> => cairnPeer(spec.url, ctx, devices[i]!, cap, register, spec.firstId + i);
    // The creator opens the topic and registers every device of the room before anyone subscribes.
    const creator = await connect(0, devices.map((d) => d.publicKey as DeviceKey));
    const others = await inBatches(spec.devices - 1, 16, (i) => connect(i + 1, null));
    return [creator, ...others];
  };

  return {
    connectRoom,
    errors: () => Object.fromEntries([...errors].map(([code, n]) => [ERROR_NAMES.get(code) ?? String(code), n])),
  };
}
