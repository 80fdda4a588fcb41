import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { decodeClientFrame, decodeRelayFrame, encodeFrame, encodeUpdateFrame } from './codec.js';
import { FrameType, PROTOCOL_VERSION, RecordKind } from './frames.js';
import type { ClientFrame, Frame, RelayFrame } from './frames.js';
import type { AccountId, CapabilityKey, DeviceKey, Seq, StoreId, TopicId } from './ids.js';
import { MAX_DEVICES_PER_REGISTER, MAX_FRAME_BYTES } from './limits.js';

function bytes(n: number, fill: number): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

const topic = bytes(32, 1) as TopicId;
const device = bytes(32, 2) as DeviceKey;
const other = bytes(32, 3) as DeviceKey;
const capability = bytes(32, 4) as CapabilityKey;
const account = bytes(32, 5) as AccountId;
const storeId = bytes(16, 6) as StoreId;
const sig = bytes(64, 7);
const payload = new Uint8Array([9, 8, 7, 6, 5]);
const big = 2 ** 53 - 1;

const clientFrames: ClientFrame[] = [
  { type: FrameType.Auth, deviceKey: device, signature: sig },
  { type: FrameType.OpenTopic, reqId: 1, capability, flags: 1, signature: sig },
  { type: FrameType.Subscribe, reqId: 300, topic, cursor: big },
  { type: FrameType.Unsubscribe, reqId: 0, topic },
  { type: FrameType.Publish, reqId: 7, topic, payload },
  { type: FrameType.Publish, reqId: 8, topic, payload: new Uint8Array(0) },
  { type: FrameType.Ack, topic, seq: 128 },
  { type: FrameType.Register, reqId: 2, topic, devices: [device, other] },
  { type: FrameType.Unregister, reqId: 3, topic, devices: [] },
  { type: FrameType.Ephemeral, topic, payload },
  { type: FrameType.Direct, topic, target: other, payload },
  { type: FrameType.PutRecord, reqId: 4, record: payload },
  { type: FrameType.GetRecord, reqId: 5, kind: RecordKind.DeviceList, account },
  { type: FrameType.CloseTopic, reqId: 9, topic },
];

const relayFrames: RelayFrame[] = [
  { type: FrameType.Challenge, nonce: bytes(32, 8), maxFrameBytes: MAX_FRAME_BYTES },
  { type: FrameType.AuthOk, storeId, deviceKey: device },
  { type: FrameType.Ok, reqId: 1, topic },
  { type: FrameType.Ok, reqId: 2, topic: null },
  { type: FrameType.Error, reqId: 3, code: 10, topic, message: 'quota — ünïcode' },
  { type: FrameType.Error, reqId: 0, code: 1, topic: null, message: '' },
  { type: FrameType.Update, topic, seq: 42 as Seq, sender: device, createdAt: 1_790_000_000_123, payload },
  { type: FrameType.CaughtUp, topic, headSeq: 99 },
  { type: FrameType.Acked, topic, seq: 12 },
  { type: FrameType.Delivered, topic, seq: 13 },
  { type: FrameType.Gap, topic, fromSeq: 3, toSeq: 70000 },
  { type: FrameType.EphemeralIn, topic, sender: other, payload },
  { type: FrameType.DirectIn, topic, sender: other, payload },
  { type: FrameType.Record, reqId: 6, kind: RecordKind.Profile, account, record: payload },
  { type: FrameType.Record, reqId: 7, kind: RecordKind.DeviceList, account, record: null },
  { type: FrameType.Published, reqId: 9, topic, seq: 1 as Seq },
  { type: FrameType.Closing, reason: 1, message: 'replaced' },
];

const allFrames: Frame[] = [...clientFrames, ...relayFrames];

function decodeAny(b: Uint8Array) {
  return b[1]! < 0x40 ? decodeClientFrame(b) : decodeRelayFrame(b);
}

describe('codec', () => {
  it('samples cover every frame type', () => {
    const covered = new Set(allFrames.map((f) => f.type));
    for (const t of Object.values(FrameType)) expect(covered.has(t)).toBe(true);
  });

  it('round-trips every frame type', () => {
    for (const frame of allFrames) {
      const encoded = encodeFrame(frame);
      expect(encoded[0]).toBe(PROTOCOL_VERSION);
      expect(encoded[1]).toBe(frame.type);
      const decoded = decodeAny(encoded);
      expect(decoded).toEqual({ ok: true, value: frame });
      if (decoded.ok) expect(encodeFrame(decoded.value)).toEqual(encoded);
    }
  });

  it('rejects frames of the other direction', () => {
    for (const f of clientFrames) expect(decodeRelayFrame(encodeFrame(f))).toMatchObject({ ok: false, code: 'MALFORMED' });
    for (const f of relayFrames) expect(decodeClientFrame(encodeFrame(f))).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('rejects every truncation of every valid frame', () => {
    for (const frame of allFrames) {
      const encoded = encodeFrame(frame);
      for (let len = 0; len < encoded.length; len++) {
        const r = decodeAny(encoded.subarray(0, len));
        expect(r.ok, `type ${frame.type} cut at ${len}`).toBe(false);
        if (!r.ok) expect(r.code).toBe('MALFORMED');
      }
    }
  });

  it('rejects a wrong version, an unknown type and trailing bytes', () => {
    const encoded = encodeFrame(clientFrames[6]!);
    const badVersion = encoded.slice();
    badVersion[0] = 2;
    expect(decodeClientFrame(badVersion)).toMatchObject({ ok: false, code: 'UNSUPPORTED_VERSION' });
    expect(decodeClientFrame(new Uint8Array([PROTOCOL_VERSION, 0x3f, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeRelayFrame(new Uint8Array([PROTOCOL_VERSION, 0x7f]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    const trailing = new Uint8Array(encoded.length + 1);
    trailing.set(encoded);
    expect(decodeClientFrame(trailing)).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('rejects frames over the size limit', () => {
    const frame = encodeFrame({ type: FrameType.Publish, reqId: 1, topic, payload: new Uint8Array(MAX_FRAME_BYTES) });
    expect(decodeClientFrame(frame)).toMatchObject({ ok: false, code: 'FRAME_TOO_LARGE' });
    expect(decodeClientFrame(frame, frame.length).ok).toBe(true);
  });

  it('rejects integers beyond 2^53-1, bad presence bytes and unknown record kinds', () => {
    const e = encoding.createEncoder();
    encoding.writeUint8(e, PROTOCOL_VERSION);
    encoding.writeUint8(e, FrameType.Ack);
    encoding.writeUint8Array(e, topic);
    encoding.writeUint8Array(e, new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])); // 2^56
    expect(decodeClientFrame(encoding.toUint8Array(e))).toMatchObject({ ok: false, code: 'MALFORMED' });

    const okFrame = encodeFrame({ type: FrameType.Ok, reqId: 1, topic: null });
    okFrame[3] = 2;
    expect(decodeRelayFrame(okFrame)).toMatchObject({ ok: false, code: 'MALFORMED' });

    const get = encodeFrame({ type: FrameType.GetRecord, reqId: 1, kind: RecordKind.Profile, account });
    get[3] = 9;
    expect(decodeClientFrame(get)).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('rejects REGISTER lists over the limit and device lists longer than the frame', () => {
    const many = Array.from({ length: MAX_DEVICES_PER_REGISTER }, () => device);
    expect(decodeClientFrame(encodeFrame({ type: FrameType.Register, reqId: 1, topic, devices: many })).ok).toBe(true);
    expect(() => encodeFrame({ type: FrameType.Register, reqId: 1, topic, devices: [...many, device] })).toThrow(RangeError);
    const e = encoding.createEncoder();
    encoding.writeUint8(e, PROTOCOL_VERSION);
    encoding.writeUint8(e, FrameType.Register);
    encoding.writeVarUint(e, 1);
    encoding.writeUint8Array(e, topic);
    encoding.writeVarUint(e, MAX_DEVICES_PER_REGISTER + 1);
    for (let i = 0; i <= MAX_DEVICES_PER_REGISTER; i++) encoding.writeUint8Array(e, device);
    expect(decodeClientFrame(encoding.toUint8Array(e))).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('throws on programmer errors when encoding', () => {
    expect(() => encodeFrame({ type: FrameType.Auth, deviceKey: bytes(31, 0) as DeviceKey, signature: sig })).toThrow(TypeError);
    expect(() => encodeFrame({ type: FrameType.Ack, topic, seq: -1 })).toThrow(TypeError);
    expect(() => encodeFrame({ type: FrameType.Ack, topic, seq: 1.5 })).toThrow(TypeError);
    expect(() => encodeUpdateFrame(topic, 1 as Seq, device, Number.NaN, payload)).toThrow(TypeError);
  });

  it('decodes payloads as views into the input, without copying', () => {
    const encoded = encodeFrame(clientFrames[4]!);
    const r = decodeClientFrame(encoded);
    if (!r.ok || r.value.type !== FrameType.Publish) throw new Error('expected PUBLISH');
    expect(r.value.payload.buffer).toBe(encoded.buffer);
    encoded[encoded.length - 1] = 0xee;
    expect(r.value.payload[r.value.payload.length - 1]).toBe(0xee);
  });

  it('encodeUpdateFrame matches the generic lib0 layout', () => {
    for (const [seq, createdAt, size] of [[1, 0, 0], [127, 128, 127], [2 ** 31, 2 ** 40, 200], [big, big, 17000]] as const) {
      const p = bytes(size, 0xab);
      const e = encoding.createEncoder();
      encoding.writeUint8(e, PROTOCOL_VERSION);
      encoding.writeUint8(e, FrameType.Update);
      encoding.writeUint8Array(e, topic);
      encoding.writeVarUint(e, seq);
      encoding.writeUint8Array(e, device);
      encoding.writeVarUint(e, createdAt);
      encoding.writeVarUint8Array(e, p);
      const fast = encodeUpdateFrame(topic, seq as Seq, device, createdAt, p);
      expect(fast).toEqual(encoding.toUint8Array(e));
      expect(decodeRelayFrame(fast)).toEqual({ ok: true, value: { type: FrameType.Update, topic, seq, sender: device, createdAt, payload: p } });
    }
  });

  it('survives thousands of random mutations without throwing', () => {
    // Deterministic PRNG (mulberry32) so a failure reproduces.
    let state = 0x12345678;
    const rand = (n: number): number => {
      state = (state + 0x6d2b79f5) | 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) % n);
    };
    const encoded = allFrames.map(encodeFrame);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const base = encoded[rand(encoded.length)]!;
      let m = base.slice();
      const mutations = 1 + rand(3);
      for (let k = 0; k < mutations; k++) {
        const op = rand(4);
        const at = rand(Math.max(1, m.length));
        if (op === 0) m[at] = rand(256);
        else if (op === 1) m[at] = m[at]! ^ (1 << rand(8));
        else if (op === 2) m = new Uint8Array([...m.subarray(0, at), rand(256), ...m.subarray(at)]);
        else m = new Uint8Array([...m.subarray(0, at), ...m.subarray(at + 1)]);
      }
      if (m.length > 1 && m[0] === PROTOCOL_VERSION && rand(2) === 0) m[1] = rand(2) === 0 ? rand(0x0d) : 0x40 + rand(0x0e);
      const r = decodeAny(m);
      if (r.ok) {
        accepted++;
        // Whatever decodes must re-encode without throwing.
        expect(() => encodeFrame(r.value)).not.toThrow();
      } else expect(['MALFORMED', 'UNSUPPORTED_VERSION', 'FRAME_TOO_LARGE']).toContain(r.code);
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
