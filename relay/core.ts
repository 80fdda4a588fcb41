// The relay's options, their resolved settings, and the shared context every part receives.
import type { Logger } from 'pino';
import type { Sodium } from '../src/shared/crypto/sodium.js';
import type { StoreId } from '../src/shared/ids.js';
import { AUTH_TIMEOUT_MS, DEFAULT_UPDATE_TTL_MS, MAX_FRAME_BYTES } from '../src/shared/limits.js';
import type { RelayStore } from './store/types.js';
import type { Metrics } from './metrics.js';
import type { Hub } from './hub.js';
import type { Batcher } from './batcher.js';
import type { Wire } from './wire.js';
import type { DeferredFrames } from './deferred-frames.js';

export type RelayOptions = {
  /** The caller owns the store: Relay.close() flushes into it but does not close it. */
  store: RelayStore;
  sodium: Sodium;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  maxFrameBytes?: number;
  topicQuotaBytes?: number;
  /** Frames per second per connection. */
  rateLimit?: number;
  /** Saved-up frames per connection (default 2 × rateLimit). */
  rateBurst?: number;
  maxTopics?: number;
  ttlMs?: number;
  /** Tests may go below the 10 s the protocol promises; the CLI never does. */
  authTimeoutMs?: number;
  /** Per sender per open-publish topic (inbox). */
  inboxPublishesPerMinute?: number;
  /** A sender may hold at most topicQuotaBytes / this on one inbox. */
  inboxShareDivisor?: number;
  /** How often TTL expiry and idle-topic sweeps run (default min(ttl / 4, 60 s)). */
  maintenanceIntervalMs?: number;
  /** Loaded topics nobody holds are forgotten after this long (default 5 min). */
  topicIdleMs?: number;
  replayPageSize?: number;
  /** Acks are committed at most this often (0: every tick); coalescing per (topic, device) over the
   *  window saves most store work, since clients ack every few tens of ms while updates flow. */
  ackBatchMs?: number;
  /** Failed AUTHs on one socket before it is closed (each costs a signature check). */
  maxAuthFailures?: number;
  /** ACKED and DELIVERED wait at most this long for the socket's next write, sharing it (0: written at once). */
  controlFrameDelayMs?: number;
  logger?: Logger;
};

export type RelaySettings = {
  host: string;
  port: number;
  maxFrameBytes: number;
  hardFrameBytes: number;
  topicQuotaBytes: number;
  rateLimit: number;
  rateBurst: number;
  maxTopics: number;
  ttlMs: number;
  authTimeoutMs: number;
  inboxPublishesPerMinute: number;
  inboxShareDivisor: number;
  maintenanceIntervalMs: number;
  topicIdleMs: number;
  replayPageSize: number;
  ackBatchMs: number;
  maxAuthFailures: number;
  controlFrameDelayMs: number;
};

export function resolveSettings(o: RelayOptions): RelaySettings {
  const maxFrameBytes = o.maxFrameBytes ?? MAX_FRAME_BYTES;
  const rateLimit = o.rateLimit ?? 5000;
  const ttlMs = o.ttlMs ?? DEFAULT_UPDATE_TTL_MS;
  return {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 8787,
    maxFrameBytes,
    // Frames up to 4x the limit are still read, so the relay can answer FRAME_TOO_LARGE and keep the socket.
    hardFrameBytes: 4 * maxFrameBytes,
    topicQuotaBytes: o.topicQuotaBytes ?? 64 * 1024 * 1024,
    rateLimit,
    rateBurst: o.rateBurst ?? 2 * rateLimit,
    maxTopics: o.maxTopics ?? 4096,
    ttlMs,
    authTimeoutMs: o.authTimeoutMs ?? AUTH_TIMEOUT_MS,
    inboxPublishesPerMinute: o.inboxPublishesPerMinute ?? 60,
    inboxShareDivisor: o.inboxShareDivisor ?? 8,
    maintenanceIntervalMs: o.maintenanceIntervalMs ?? Math.max(10, Math.min(Math.floor(ttlMs / 4), 60_000)),
    topicIdleMs: o.topicIdleMs ?? 5 * 60_000,
    replayPageSize: o.replayPageSize ?? 512,
    ackBatchMs: o.ackBatchMs ?? 100,
    maxAuthFailures: o.maxAuthFailures ?? 3,
    controlFrameDelayMs: o.controlFrameDelayMs ?? 100,
  };
}

/** What every connection, the hub and the batcher share; built once per relay in server.ts. */
export type RelayCore = {
  readonly settings: RelaySettings;
  readonly store: RelayStore;
  readonly sodium: Sodium;
  readonly storeId: StoreId;
  readonly metrics: Metrics;
  readonly hub: Hub;
  readonly batcher: Batcher;
  readonly log: Logger;
  readonly wire: Wire;
  readonly deferrals: DeferredFrames;
  /** Set when close() starts: frames that arrive afterwards are ignored. */
  closing: boolean;
};
