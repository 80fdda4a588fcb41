// Wire codec for the relay frames of frames.ts (docs/PROTOCOL.md has the full tables).
//
//   byte 0   PROTOCOL_VERSION (1)
//   byte 1   frame type (FrameType: client→relay 0x01–0x3f, relay→client 0x40–0x7f)
//   then the fields in the order of the frame's type definition:
//     integers (reqId, seq, cursor, flags, code, kind, reason, createdAt, …)  lib0 varUint (LEB128, ≤ 2^53-1)
//     device keys, capability keys, topic ids, account ids, nonce            32 bytes raw
//     signatures                                                             64 bytes raw
//     store id                                                               16 bytes raw
//     nullable topic / record                                                one byte 0|1, then the value
//     payloads, records                                                      varUint length + bytes
//     strings                                                                varUint length + UTF-8
//     device lists                                                           varUint count (≤ 1024) + count × 32 bytes
//   nothing may follow the last field.
//
// Decoded payloads, keys and records are views into the input buffer (no copy): copy them to keep them
// beyond the life of that buffer.
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { FrameType, PROTOCOL_VERSION, RecordKind } from './frames.js';
import type { ClientFrame, Frame, RelayFrame, UpdateFrame } from './frames.js';
import { ACCOUNT_ID_BYTES, KEY_BYTES, SIGNATURE_BYTES, STORE_ID_BYTES, TOPIC_ID_BYTES } from './ids.js';
import type { AccountId, CapabilityKey, DeviceKey, Seq, StoreId, TopicId } from './ids.js';
import { CHALLENGE_NONCE_BYTES, MAX_DEVICES_PER_REGISTER, MAX_FRAME_BYTES } from './limits.js';
import { err, ok } from './result.js';
import type { Result } from './result.js';

export type DecodeErrorCode = 'MALFORMED' | 'UNSUPPORTED_VERSION' | 'FRAME_TOO_LARGE';

type Encoder = encoding.Encoder;
type Decoder = decoding.Decoder;

// ---- encoding ----

function fixed(e: Encoder, bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new TypeError(`${what} must be ${length} bytes, got ${bytes.length}`);
  encoding.writeUint8Array(e, bytes);
}

function uint(e: Encoder, n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`${what} must be a non-negative safe integer, got ${n}`);
  encoding.writeVarUint(e, n);
}

function topicOrNull(e: Encoder, topic: TopicId | null): void {
  if (topic === null) encoding.writeUint8(e, 0);
  else {
    encoding.writeUint8(e, 1);
    fixed(e, topic, TOPIC_ID_BYTES, 'topic');
  }
}

function devices(e: Encoder, list: readonly DeviceKey[]): void {
  if (list.length > MAX_DEVICES_PER_REGISTER) throw new RangeError(`at most ${MAX_DEVICES_PER_REGISTER} devices per frame`);
  encoding.writeVarUint(e, list.length);
  for (const d of list) fixed(e, d, KEY_BYTES, 'device key');
}

/** Encodes any frame. Throws only on programmer errors (wrong key lengths, non-integer numbers). */
export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.type === FrameType.Update) return encodeUpdateFrame(frame.topic, frame.seq, frame.sender, frame.createdAt, frame.payload);
  const e = encoding.createEncoder();
  encoding.writeUint8(e, PROTOCOL_VERSION);
  encoding.writeUint8(e, frame.type);
  switch (frame.type) {
    case FrameType.Auth:
      fixed(e, frame.deviceKey, KEY_BYTES, 'deviceKey');
      fixed(e, frame.signature, SIGNATURE_BYTES, 'signature');
      break;
    case FrameType.OpenTopic:
      uint(e, frame.reqId, 'reqId');
      fixed(e, frame.capability, KEY_BYTES, 'capability');
      uint(e, frame.flags, 'flags');
      fixed(e, frame.signature, SIGNATURE_BYTES, 'signature');
      break;
    case FrameType.Subscribe:
      uint(e, frame.reqId, 'reqId');
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      uint(e, frame.cursor, 'cursor');
      break;
    case FrameType.Unsubscribe:
    case FrameType.CloseTopic:
      uint(e, frame.reqId, 'reqId');
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      break;
    case FrameType.Publish:
      uint(e, frame.reqId, 'reqId');
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      encoding.writeVarUint8Array(e, frame.payload);
      break;
    case FrameType.Ack:
    case FrameType.Acked:
    case FrameType.Delivered:
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      uint(e, frame.seq, 'seq');
      break;
    case FrameType.Register:
    case FrameType.Unregister:
      uint(e, frame.reqId, 'reqId');
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      devices(e, frame.devices);
      break;
    case FrameType.Ephemeral:
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      encoding.writeVarUint8Array(e, frame.payload);
      break;
    case FrameType.Direct:
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      fixed(e, frame.target, KEY_BYTES, 'target');
      encoding.writeVarUint8Array(e, frame.payload);
      break;
    case FrameType.PutRecord:
      uint(e, frame.reqId, 'reqId');
      encoding.writeVarUint8Array(e, frame.record);
      break;
    case FrameType.GetRecord:
      uint(e, frame.reqId, 'reqId');
      uint(e, frame.kind, 'kind');
      fixed(e, frame.account, ACCOUNT_ID_BYTES, 'account');
      break;
    case FrameType.Challenge:
      fixed(e, frame.nonce, CHALLENGE_NONCE_BYTES, 'nonce');
      uint(e, frame.maxFrameBytes, 'maxFrameBytes');
      break;
    case FrameType.AuthOk:
      fixed(e, frame.storeId, STORE_ID_BYTES, 'storeId');
      fixed(e, frame.deviceKey, KEY_BYTES, 'deviceKey');
      break;
    case FrameType.Ok:
      uint(e, frame.reqId, 'reqId');
      topicOrNull(e, frame.topic);
      break;
    case FrameType.Error:
      uint(e, frame.reqId, 'reqId');
      uint(e, frame.code, 'code');
      topicOrNull(e, frame.topic);
      encoding.writeVarString(e, frame.message);
      break;
    case FrameType.CaughtUp:
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      uint(e, frame.headSeq, 'headSeq');
      break;
    case FrameType.Gap:
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      uint(e, frame.fromSeq, 'fromSeq');
      uint(e, frame.toSeq, 'toSeq');
      break;
    case FrameType.EphemeralIn:
    case FrameType.DirectIn:
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      fixed(e, frame.sender, KEY_BYTES, 'sender');
      encoding.writeVarUint8Array(e, frame.payload);
      break;
    case FrameType.Record:
      uint(e, frame.reqId, 'reqId');
      uint(e, frame.kind, 'kind');
      fixed(e, frame.account, ACCOUNT_ID_BYTES, 'account');
      if (frame.record === null) encoding.writeUint8(e, 0);
      else {
        encoding.writeUint8(e, 1);
        encoding.writeVarUint8Array(e, frame.record);
      }
      break;
    case FrameType.Published:
      uint(e, frame.reqId, 'reqId');
      fixed(e, frame.topic, TOPIC_ID_BYTES, 'topic');
      uint(e, frame.seq, 'seq');
      break;
    case FrameType.Closing:
      uint(e, frame.reason, 'reason');
      encoding.writeVarString(e, frame.message);
      break;
    default:
      throw new TypeError(`unknown frame type ${(frame as { type: unknown }).type}`);
  }
  return encoding.toUint8Array(e);
}

function varUintLength(n: number): number {
  let len = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function putVarUint(out: Uint8Array, pos: number, n: number): number {
  while (n > 0x7f) {
    out[pos++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

/** The UPDATE frame, sized exactly and written in one allocation: built once per fan-out. */
export function encodeUpdateFrame(topic: TopicId, seq: Seq | number, sender: DeviceKey, createdAt: number, payload: Uint8Array): Uint8Array {
  if (topic.length !== TOPIC_ID_BYTES || sender.length !== KEY_BYTES) throw new TypeError('topic and sender must be 32 bytes');
  if (!Number.isSafeInteger(seq) || seq < 0 || !Number.isSafeInteger(createdAt) || createdAt < 0) throw new TypeError('seq and createdAt must be non-negative safe integers');
  const size = 2 + TOPIC_ID_BYTES + varUintLength(seq) + KEY_BYTES + varUintLength(createdAt) + varUintLength(payload.length) + payload.length;
  const out = new Uint8Array(size);
  out[0] = PROTOCOL_VERSION;
  out[1] = FrameType.Update;
  out.set(topic, 2);
  let pos = putVarUint(out, 2 + TOPIC_ID_BYTES, seq);
  out.set(sender, pos);
  pos = putVarUint(out, pos + KEY_BYTES, createdAt);
  pos = putVarUint(out, pos, payload.length);
  out.set(payload, pos);
  return out;
}

// ---- decoding ----

/** Thrown inside the decoder only; decode* turn it (and lib0's end-of-array errors) into MALFORMED. */
class Malformed extends Error {}

function readUint(d: Decoder): number {
  const n = decoding.readVarUint(d);
  if (!Number.isSafeInteger(n)) throw new Malformed('integer out of range');
  return n;
}

function readByte(d: Decoder): number {
  if (d.pos >= d.arr.length) throw new Malformed('truncated');
  return decoding.readUint8(d);
}

function readFixed<T extends Uint8Array>(d: Decoder, length: number): T {
  return decoding.readUint8Array(d, length) as T;
}

function readFlag(d: Decoder): boolean {
  const b = readByte(d);
  if (b > 1) throw new Malformed('presence byte must be 0 or 1');
  return b === 1;
}

function readTopicOrNull(d: Decoder): TopicId | null {
  return readFlag(d) ? readFixed<TopicId>(d, TOPIC_ID_BYTES) : null;
}

function readDevices(d: Decoder): DeviceKey[] {
  const count = readUint(d);
  if (count > MAX_DEVICES_PER_REGISTER) throw new Malformed('too many devices');
  const list: DeviceKey[] = new Array<DeviceKey>(count);
  for (let i = 0; i < count; i++) list[i] = readFixed<DeviceKey>(d, KEY_BYTES);
  return list;
}

function readKind(d: Decoder): RecordKind {
  const k = readUint(d);
  if (k !== RecordKind.Profile && k !== RecordKind.DeviceList) throw new Malformed('unknown record kind');
  return k;
}

function readClient(type: number, d: Decoder): ClientFrame {
  switch (type) {
    case FrameType.Auth:
      return { type, deviceKey: readFixed(d, KEY_BYTES), signature: readFixed(d, SIGNATURE_BYTES) };
    case FrameType.OpenTopic:
      return { type, reqId: readUint(d), capability: readFixed<CapabilityKey>(d, KEY_BYTES), flags: readUint(d), signature: readFixed(d, SIGNATURE_BYTES) };
    case FrameType.Subscribe:
      return { type, reqId: readUint(d), topic: readFixed(d, TOPIC_ID_BYTES), cursor: readUint(d) };
    case FrameType.Unsubscribe:
    case FrameType.CloseTopic:
      return { type, reqId: readUint(d), topic: readFixed(d, TOPIC_ID_BYTES) };
    case FrameType.Publish:
      return { type, reqId: readUint(d), topic: readFixed(d, TOPIC_ID_BYTES), payload: decoding.readVarUint8Array(d) };
    case FrameType.Ack:
      return { type, topic: readFixed(d, TOPIC_ID_BYTES), seq: readUint(d) };
    case FrameType.Register:
    case FrameType.Unregister:
      return { type, reqId: readUint(d), topic: readFixed(d, TOPIC_ID_BYTES), devices: readDevices(d) };
    case FrameType.Ephemeral:
      return { type, topic: readFixed(d, TOPIC_ID_BYTES), payload: decoding.readVarUint8Array(d) };
    case FrameType.Direct:
      return { type, topic: readFixed(d, TOPIC_ID_BYTES), target: readFixed(d, KEY_BYTES), payload: decoding.readVarUint8Array(d) };
    case FrameType.PutRecord:
      return { type, reqId: readUint(d), record: decoding.readVarUint8Array(d) };
    case FrameType.GetRecord:
      return { type, reqId: readUint(d), kind: readKind(d), account: readFixed<AccountId>(d, ACCOUNT_ID_BYTES) };
    default:
      throw new Malformed(`unknown client frame type ${type}`);
  }
}

function readRelay(type: number, d: Decoder): RelayFrame {
  switch (type) {
    case FrameType.Challenge:
      return { type, nonce: readFixed(d, CHALLENGE_NONCE_BYTES), maxFrameBytes: readUint(d) };
    case FrameType.AuthOk:
      return { type, storeId: readFixed<StoreId>(d, STORE_ID_BYTES), deviceKey: readFixed(d, KEY_BYTES) };
    case FrameType.Ok:
      return { type, reqId: readUint(d), topic: readTopicOrNull(d) };
    case FrameType.Error:
      return { type, reqId: readUint(d), code: readUint(d), topic: readTopicOrNull(d), message: decoding.readVarString(d) };
    case FrameType.Update: {
      const frame: UpdateFrame = { type, topic: readFixed(d, TOPIC_ID_BYTES), seq: readUint(d) as Seq, sender: readFixed(d, KEY_BYTES), createdAt: readUint(d), payload: decoding.readVarUint8Array(d) };
      return frame;
    }
    case FrameType.CaughtUp:
      return { type, topic: readFixed(d, TOPIC_ID_BYTES), headSeq: readUint(d) };
    case FrameType.Acked:
    case FrameType.Delivered:
      return { type, topic: readFixed(d, TOPIC_ID_BYTES), seq: readUint(d) };
    case FrameType.Gap:
      return { type, topic: readFixed(d, TOPIC_ID_BYTES), fromSeq: readUint(d), toSeq: readUint(d) };
    case FrameType.EphemeralIn:
    case FrameType.DirectIn:
      return { type, topic: readFixed(d, TOPIC_ID_BYTES), sender: readFixed(d, KEY_BYTES), payload: decoding.readVarUint8Array(d) };
    case FrameType.Record:
      return { type, reqId: readUint(d), kind: readKind(d), account: readFixed<AccountId>(d, ACCOUNT_ID_BYTES), record: readFlag(d) ? decoding.readVarUint8Array(d) : null };
    case FrameType.Published:
      return { type, reqId: readUint(d), topic: readFixed(d, TOPIC_ID_BYTES), seq: readUint(d) as Seq };
    case FrameType.Closing:
      return { type, reason: readUint(d), message: decoding.readVarString(d) };
    default:
      throw new Malformed(`unknown relay frame type ${type}`);
  }
}

function decodeWith<F>(bytes: Uint8Array, maxFrameBytes: number, read: (type: number, d: Decoder) => F): Result<F, DecodeErrorCode> {
  if (bytes.length > maxFrameBytes) return err('FRAME_TOO_LARGE', `frame of ${bytes.length} bytes exceeds ${maxFrameBytes}`);
  if (bytes.length < 2) return err('MALFORMED', 'frame shorter than its header');
  if (bytes[0] !== PROTOCOL_VERSION) return err('UNSUPPORTED_VERSION', `protocol version ${bytes[0]} is not ${PROTOCOL_VERSION}`);
  const d = decoding.createDecoder(bytes);
  d.pos = 2;
  try {
    const frame = read(bytes[1]!, d);
    if (d.pos !== bytes.length) return err('MALFORMED', `${bytes.length - d.pos} trailing bytes`);
    return ok(frame);
  } catch (e) {
    // lib0 throws on truncation and overlong integers, TextDecoder on invalid UTF-8: all mean a malformed frame.
    return err('MALFORMED', e instanceof Error ? e.message : 'malformed frame');
  }
}

/** Relay side: a frame a client sent. */
export function decodeClientFrame(bytes: Uint8Array, maxFrameBytes: number = MAX_FRAME_BYTES): Result<ClientFrame, DecodeErrorCode> {
  return decodeWith(bytes, maxFrameBytes, readClient);
}

/** Client side: a frame a relay sent. */
export function decodeRelayFrame(bytes: Uint8Array, maxFrameBytes: number = MAX_FRAME_BYTES): Result<RelayFrame, DecodeErrorCode> {
  return decodeWith(bytes, maxFrameBytes, readRelay);
}
