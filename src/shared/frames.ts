// The relay wire frames as values. src/shared/codec.ts turns them into bytes and back;
// docs/PROTOCOL.md documents the byte layout. Every frame starts with PROTOCOL_VERSION.
import type { AccountId, CapabilityKey, DeviceKey, Seq, StoreId, TopicId } from './ids.js';

export const PROTOCOL_VERSION = 1;

/** Frame type bytes. Client→relay are 0x01–0x3f, relay→client are 0x40–0x7f. */
export const FrameType = {
  Auth: 0x01,
  OpenTopic: 0x02,
  Subscribe: 0x03,
  Unsubscribe: 0x04,
  Publish: 0x05,
  Ack: 0x06,
  Register: 0x07,
  Unregister: 0x08,
  Ephemeral: 0x09,
  Direct: 0x0a,
  PutRecord: 0x0b,
  GetRecord: 0x0c,
  CloseTopic: 0x0d,

  Challenge: 0x40,
  AuthOk: 0x41,
  Ok: 0x42,
  Error: 0x43,
  Update: 0x44,
  CaughtUp: 0x45,
  Acked: 0x46,
  Delivered: 0x47,
  Gap: 0x48,
  EphemeralIn: 0x49,
  DirectIn: 0x4a,
  Record: 0x4b,
  Published: 0x4c,
  Closing: 0x4d,
} as const;

/** Topic flags fixed at creation. */
export const TopicFlags = {
  /** Inbox: any authenticated device may publish (rate-limited, quota share); reading needs the capability. */
  OpenPublish: 0x01,
  /** Set by CLOSE_TOPIC, never by OPEN_TOPIC: no publish or register is taken any more; the backlog drains. */
  Closed: 0x80,
} as const;

/** Account record kinds, each signed by the account key and versioned. */
export const RecordKind = { Profile: 1, DeviceList: 2 } as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Stable relay error codes (wire value in parentheses is the numeric code). */
export const RelayErrorCode = {
  MALFORMED: 1,
  UNSUPPORTED_VERSION: 2,
  NOT_AUTHENTICATED: 3,
  AUTH_FAILED: 4,
  BAD_PROOF: 5,
  NO_CAPABILITY: 6,
  UNKNOWN_TOPIC: 7,
  FRAME_TOO_LARGE: 8,
  RATE_LIMITED: 9,
  QUOTA: 10,
  TOO_MANY_TOPICS: 11,
  BAD_RECORD: 12,
  STALE_RECORD: 13,
  UNKNOWN_ACCOUNT: 14,
  TARGET_OFFLINE: 15,
  FLAGS_MISMATCH: 16,
  INTERNAL: 17,
  NOT_REGISTERED: 18,
  TOPIC_CLOSED: 19,
} as const;
export type RelayErrorName = keyof typeof RelayErrorCode;

/** Why the relay closes a socket (sent in CLOSING before the WebSocket close). */
export const CloseReason = { REPLACED: 1, AUTH_TIMEOUT: 2, SHUTDOWN: 3, PROTOCOL: 4 } as const;
export type CloseReasonName = keyof typeof CloseReason;

// ---- client → relay ----

/** Signature by the device key over AUTH_DOMAIN ‖ challenge nonce. */
export type AuthFrame = { type: typeof FrameType.Auth; deviceKey: DeviceKey; signature: Uint8Array };
/** Create a topic, or prove its capability on this connection. Signature by the capability key over
 *  TOPIC_PROOF_DOMAIN ‖ challenge nonce ‖ device key ‖ capability key. */
export type OpenTopicFrame = { type: typeof FrameType.OpenTopic; reqId: number; capability: CapabilityKey; flags: number; signature: Uint8Array };
/** cursor = last seq this device has durably stored (0 for none). */
export type SubscribeFrame = { type: typeof FrameType.Subscribe; reqId: number; topic: TopicId; cursor: number };
export type UnsubscribeFrame = { type: typeof FrameType.Unsubscribe; reqId: number; topic: TopicId };
export type PublishFrame = { type: typeof FrameType.Publish; reqId: number; topic: TopicId; payload: Uint8Array };
/** Cumulative: this device has durably stored every update of the topic up to seq. */
export type AckFrame = { type: typeof FrameType.Ack; topic: TopicId; seq: number };
export type RegisterFrame = { type: typeof FrameType.Register; reqId: number; topic: TopicId; devices: DeviceKey[] };
export type UnregisterFrame = { type: typeof FrameType.Unregister; reqId: number; topic: TopicId; devices: DeviceKey[] };
export type EphemeralFrame = { type: typeof FrameType.Ephemeral; topic: TopicId; payload: Uint8Array };
export type DirectFrame = { type: typeof FrameType.Direct; topic: TopicId; target: DeviceKey; payload: Uint8Array };
/** record = an encoded signed account record (see records.ts). */
export type PutRecordFrame = { type: typeof FrameType.PutRecord; reqId: number; record: Uint8Array };
export type GetRecordFrame = { type: typeof FrameType.GetRecord; reqId: number; kind: RecordKind; account: AccountId };
/** Capability holders only: the topic takes no PUBLISH or REGISTER any more (TOPIC_CLOSED); subscribers still drain it. */
export type CloseTopicFrame = { type: typeof FrameType.CloseTopic; reqId: number; topic: TopicId };

// ---- relay → client ----

export type ChallengeFrame = { type: typeof FrameType.Challenge; nonce: Uint8Array; maxFrameBytes: number };
export type AuthOkFrame = { type: typeof FrameType.AuthOk; storeId: StoreId; deviceKey: DeviceKey };
/** Generic success for reqId-carrying requests; topic is set for OPEN_TOPIC, SUBSCRIBE, REGISTER, UNREGISTER. */
export type OkFrame = { type: typeof FrameType.Ok; reqId: number; topic: TopicId | null };
/** reqId 0 when the error answers no request (e.g. a malformed frame); topic when it concerns one. */
export type ErrorFrame = { type: typeof FrameType.Error; reqId: number; code: number; topic: TopicId | null; message: string };
/** sender is attested by the relay from the authenticated connection, never taken from the client. */
export type UpdateFrame = { type: typeof FrameType.Update; topic: TopicId; seq: Seq; sender: DeviceKey; createdAt: number; payload: Uint8Array };
export type CaughtUpFrame = { type: typeof FrameType.CaughtUp; topic: TopicId; headSeq: number };
export type AckedFrame = { type: typeof FrameType.Acked; topic: TopicId; seq: number };
/** Cumulative: every update this device published on the topic with seq ≤ seq is held by every registered device. */
export type DeliveredFrame = { type: typeof FrameType.Delivered; topic: TopicId; seq: number };
/** Updates after fromSeq up to toSeq may be lost for this device: resync from peers. */
export type GapFrame = { type: typeof FrameType.Gap; topic: TopicId; fromSeq: number; toSeq: number };
export type EphemeralInFrame = { type: typeof FrameType.EphemeralIn; topic: TopicId; sender: DeviceKey; payload: Uint8Array };
export type DirectInFrame = { type: typeof FrameType.DirectIn; topic: TopicId; sender: DeviceKey; payload: Uint8Array };
/** record null = the relay has never seen this account ("unknown"). */
export type RecordFrame = { type: typeof FrameType.Record; reqId: number; kind: RecordKind; account: AccountId; record: Uint8Array | null };
/** Sent only after the durable commit. */
export type PublishedFrame = { type: typeof FrameType.Published; reqId: number; topic: TopicId; seq: Seq };
export type ClosingFrame = { type: typeof FrameType.Closing; reason: number; message: string };

export type ClientFrame =
  | AuthFrame
  | OpenTopicFrame
  | SubscribeFrame
  | UnsubscribeFrame
  | PublishFrame
  | AckFrame
  | RegisterFrame
  | UnregisterFrame
  | EphemeralFrame
  | DirectFrame
  | PutRecordFrame
  | GetRecordFrame
  | CloseTopicFrame;

export type RelayFrame =
  | ChallengeFrame
  | AuthOkFrame
  | OkFrame
  | ErrorFrame
  | UpdateFrame
  | CaughtUpFrame
  | AckedFrame
  | DeliveredFrame
  | GapFrame
  | EphemeralInFrame
  | DirectInFrame
  | RecordFrame
  | PublishedFrame
  | ClosingFrame;

export type Frame = ClientFrame | RelayFrame;

/** Domain-separation strings for every signature in the relay protocol. */
export const AUTH_DOMAIN = 'cairn/relay-auth/v1';
export const TOPIC_PROOF_DOMAIN = 'cairn/topic-proof/v1';
