// Decoding of the relay wire frames laid out at the top of codec.ts (and in docs/PROTOCOL.md): a length and version
// check, then the fields of the frame's type in order, nothing after the last. Decoded payloads, keys and records
// are views into the input buffer (no copy).
import * as decoding from 'lib0/decoding';
import { FrameType, PROTOCOL_VERSION, RecordKind } from './frames.js';
import type { ClientFrame, RelayFrame, UpdateFrame } from './frames.js';
import { ACCOUNT_ID_BYTES, KEY_BYTES, SIGNATURE_BYTES, STORE_ID_BYTES, TOPIC_ID_BYTES } from './ids.js';
import type { AccountId, CapabilityKey, DeviceKey, Seq, StoreId, TopicId } from './ids.js';
import { CHALLENGE_NONCE_BYTES, MAX_DEVICES_PER_REGISTER, MAX_FRAME_BYTES } from './limits.js';
import { err, ok } from './result.js';
import type { Result } from './result.js';

export type DecodeErrorCode = 'MALFORMED' | 'UNSUPPORTED_VERSION' | 'FRAME_TOO_LARGE';

type Decoder = decoding.Decoder;

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
