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
import { FrameType, PROTOCOL_VERSION } from './frames.js';
import type { Frame } from './frames.js';
import { ACCOUNT_ID_BYTES, KEY_BYTES, SIGNATURE_BYTES, STORE_ID_BYTES, TOPIC_ID_BYTES } from './ids.js';
import type { DeviceKey, Seq, TopicId } from './ids.js';
import { CHALLENGE_NONCE_BYTES, MAX_DEVICES_PER_REGISTER } from './limits.js';

// The decoders live in codec-decode.ts; every importer keeps importing them from here.
export { decodeClientFrame, decodeRelayFrame } from './codec-decode.js';
export type { DecodeErrorCode } from './codec-decode.js';

type Encoder = encoding.Encoder;

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
