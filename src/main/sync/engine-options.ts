// The sync engine's contracts with the core: what it asks (SyncPolicy), what it reports (EngineEvents), how it is built.
import type { Sodium } from '../../shared/crypto/sodium.js';
import type { UpdateFrame } from '../../shared/frames.js';
import type { DeviceKey } from '../../shared/ids.js';
import type { ChatSyncStatus } from '../../shared/core-api.js';
import type { DeviceIdentity, RelayClientOptions, TopicCapability } from '../relay-client/index.js';
import type { ClientDb } from '../db/index.js';
import type { BackfillProgress } from './backfill.js';
import type { DigestTiming } from './digest-timing.js';
import type { Committed, DocSpec } from './doc-registry.js';
import type { Step } from './inbound.js';
import type { CoreLogger } from './logger.js';

export type Membership = 'member' | 'stranger' | 'unknown';

export type SyncPolicy = {
  /** Whether a device may write the doc: it is in the signed device list of a member (own devices for the account doc). */
  membership(spec: DocSpec, deviceHex: string): Membership;
  /** Fetches the members' device lists again because deviceHex is unknown; false when no relay answered. */
  refreshMembers(spec: DocSpec, deviceHex: string): Promise<boolean>;
  ownerOf(deviceHex: string): string | null;
  /** Peer devices to ask for history, own devices first. */
  candidates(spec: DocSpec): DeviceKey[];
  /** Devices to register on the doc's topic. */
  registerDevices(spec: DocSpec): DeviceKey[];
  /** Decides an update on a followed topic that is no doc (the inbox). */
  decideOther(url: string, frame: UpdateFrame): Step | Promise<Step>;
  /** A KEY_EPOCH app message (body after its kind) from a member device on the doc's topic. */
  keyEpoch?(spec: DocSpec, frame: UpdateFrame, body: Uint8Array): Step | Promise<Step>;
};

export type EngineEvents = {
  committed(c: Committed): void;
  /** Own messages whose state changed (published or delivered), per chat. */
  messageStates(messages: Map<string, string[]>): void;
  relayOpen(url: string, info: { reconnected: boolean; storeChanged: boolean }): void;
  status(): void;
  /** Progress of a linked device's first backfill (only while one runs). */
  backfill?(progress: BackfillProgress): void;
  /** A device was seen online: it published an update (at: the relay's clock) or sent a direct frame. */
  seen?(device: DeviceKey, at: number): void;
  /** A chat's proof-of-convergence status changed (only computed while wantsChatSync says someone listens). */
  chatSync?(status: ChatSyncStatus): void;
  wantsChatSync?(): boolean;
  /** An outbox row met a closed topic (TOPIC_CLOSED) that is no doc's; it stays until replaced (OutboxWorkerOptions.closed). */
  topicClosed?(url: string, row: { doc: string; topic: Uint8Array }): void;
};

export type EngineOptions = {
  db: ClientDb;
  sodium: Sodium;
  device: DeviceIdentity;
  policy: SyncPolicy;
  events: EngineEvents;
  log: CoreLogger;
  now(): number;
  clientOptions?: Partial<Omit<RelayClientOptions, 'sodium' | 'device' | 'resumeCursor'>>;
  step2BytesPerSecond?: number;
  inboundRetryMs?: number;
  digestTiming?: Partial<DigestTiming>;
  /** Check the signatures of a backlog on a worker thread (sodium-native only; default true). */
  verifyWorker?: boolean;
};

export type DocTopic = DocSpec & { capability: TopicCapability };
