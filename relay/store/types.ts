// The relay's storage boundary. Every method is async so a Redis adapter fits behind it; a resolved
// promise from a write means the write is durable (the relay acknowledges only after it).
// One acceptance suite (acceptance.ts) runs against every adapter.
import type { AccountId, CapabilityKey, DeviceKey, StoreId, TopicId } from '../../src/shared/ids.js';
import type { RecordKind } from '../../src/shared/frames.js';

export type TopicMeta = {
  topic: TopicId;
  capability: CapabilityKey;
  flags: number;
  /** Highest seq ever assigned (0 when none); seqs are contiguous and never reused. */
  headSeq: number;
  storedUpdates: number;
  storedBytes: number;
};

export type StoredUpdate = {
  topic: TopicId;
  seq: number;
  sender: DeviceKey;
  /** Milliseconds since the epoch, set by the relay at append. */
  createdAt: number;
  payload: Uint8Array;
};

export type Registration = {
  device: DeviceKey;
  /** Last seq the device acked (cumulative). */
  cursor: number;
  /** Set when updates the device had not acked were expired (TTL): first seq it may lack. 0 = none. */
  gapFrom: number;
};

export type AppendInput = { topic: TopicId; sender: DeviceKey; payload: Uint8Array; createdAt: number };

export type AckInput = { topic: TopicId; device: DeviceKey; seq: number };

/** The two lowest cursors among a topic's registered devices, enough to answer "delivered" for any
 *  publisher: everything up to (publisher === minDevice ? second : min) is held by every other device.
 *  With no registered device both equal headSeq; with one, second equals headSeq. */
export type CursorFloor = { min: number; minDevice: DeviceKey | null; second: number };

export type AckResult = {
  topic: TopicId;
  device: DeviceKey;
  /** The device's cursor after the ack (max of old and new, capped at headSeq; acks are idempotent). */
  cursor: number;
  /** Seqs physically deleted because every registered device except their sender now has them
   *  (ascending). A topic's deletions run once, after the whole batch, and are reported on the batch's
   *  last registered ack for that topic; its other results carry []. */
  deleted: number[];
  /** Payload bytes of the updates in deleted (0 when it is empty), so the relay keeps its per-topic
   *  stored bytes without reading them back after every ack batch. */
  deletedBytes: number;
  /** false when the device is not registered on the topic (the ack changes nothing). */
  registered: boolean;
  /** The topic's floor after the whole batch was applied. */
  floor: CursorFloor;
};

export type ExpireResult = {
  /** Updates deleted because their TTL passed, per topic. */
  deleted: { topic: TopicId; seqs: number[] }[];
  /** Registered devices that had not acked an expired update: they now have gapFrom set. */
  gapped: { topic: TopicId; device: DeviceKey; fromSeq: number; toSeq: number }[];
};

export type StoreStats = { topics: number; storedUpdates: number; storedBytes: number };

export type StoredRecord = { kind: RecordKind; account: AccountId; version: number; bytes: Uint8Array };

export interface RelayStore {
  /** Random 16 bytes chosen when the store was first created; stable across restarts. */
  storeId(): Promise<StoreId>;

  /** null when the topic does not exist. */
  getTopic(topic: TopicId): Promise<TopicMeta | null>;
  /** Creates the topic if absent; returns the existing one untouched if present. */
  createTopic(topic: TopicId, capability: CapabilityKey, flags: number): Promise<TopicMeta>;
  /** Sets TopicFlags.Closed on the topic (idempotent, durable); false when the topic does not exist. The topic
   *  keeps its row (so its id cannot be created again) and its stored updates until they are acked or expire. */
  closeTopic(topic: TopicId): Promise<boolean>;

  /** Appends in one durable commit (group commit); returns the seq of each input, in order.
   *  Topics must exist. Within a topic, seqs follow input order. */
  append(batch: AppendInput[]): Promise<number[]>;
  /** Stored updates with seq > afterSeq, ascending, at most limit of them. */
  readAfter(topic: TopicId, afterSeq: number, limit: number): Promise<StoredUpdate[]>;
  /** Lowest stored seq, or null when nothing is stored. */
  oldestSeq(topic: TopicId): Promise<number | null>;
  /** How many stored seqs lie in (afterSeq, headSeq]; used to detect deleted ranges. */
  countAfter(topic: TopicId, afterSeq: number): Promise<number>;

  /** Registers devices (idempotent: an existing registration keeps its cursor). New ones start at
   *  cursor = initialCursor, clamped to [0, headSeq]. Returns the devices that were newly registered.
   *  The topic must exist (throws otherwise). Deletes nothing: the next ack or unregister does. */
  register(topic: TopicId, devices: DeviceKey[], initialCursor: number): Promise<DeviceKey[]>;
  /** Unregisters devices and deletes the updates that no longer wait for anyone. */
  unregister(topic: TopicId, devices: DeviceKey[]): Promise<{ removed: DeviceKey[]; deleted: number[]; floor: CursorFloor }>;
  registrations(topic: TopicId): Promise<Registration[]>;
  getRegistration(topic: TopicId, device: DeviceKey): Promise<Registration | null>;
  /** Clears gapFrom once the relay has told the device about its gap. */
  clearGap(topic: TopicId, device: DeviceKey): Promise<void>;

  /** Cumulative, idempotent acks, applied in one durable commit (the relay batches them per tick).
   *  Then deletes every update that every registered device except its own sender has acked (the
   *  sender counts as having acked its own update). With no registered device nothing is deleted
   *  (updates wait for their TTL). The pass runs for every topic with a registered ack in the batch,
   *  even when no cursor moved (an ack of 0 by a topic's sole device deletes its own updates).
   *  Results are in input order. */
  ack(batch: AckInput[]): Promise<AckResult[]>;
  /** The topic's current cursor floor (see CursorFloor). */
  cursorFloor(topic: TopicId): Promise<CursorFloor>;
  /** Deletes updates created before cutoff (ms since epoch) and marks gaps on devices that lacked them.
   *  An adapter may split a large backlog into several commits (each one consistent) so other calls
   *  are not blocked behind it. */
  expire(cutoff: number): Promise<ExpireResult>;

  /** Keeps the record if its version is higher than the stored one; false when it is not newer. */
  putRecord(record: StoredRecord): Promise<boolean>;
  getRecord(kind: RecordKind, account: AccountId): Promise<StoredRecord | null>;

  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}
