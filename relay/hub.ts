// In-memory view of the relay: loaded topics (with their subscribers) and online devices.
// The store stays the source of truth; a topic is loaded while someone uses it and forgotten when idle.
import { TopicFlags } from '../src/shared/frames.js';
import type { CapabilityKey, TopicId } from '../src/shared/ids.js';
import { bytesKey } from './delivery.js';
import { SenderLimiter } from './limits.js';
import type { RelaySettings } from './core.js';
import type { RelayStore, TopicMeta } from './store/types.js';
import type { Connection } from './connection.js';

/** Live updates that arrive while a subscriber is replaying its backlog; sent after the replay. */
export type ReplayBuffer = { seqs: number[]; frames: Buffer[] };

/** One connection's relation to one topic. Kept only while one of its fields says something. */
export type TopicLink = {
  readonly conn: Connection;
  readonly topic: TopicState;
  /** Proved the capability with OPEN_TOPIC on this connection. */
  capable: boolean;
  subscribed: boolean;
  /** Non-null while the backlog is replayed; its identity tells a replay loop it is still current. */
  replay: ReplayBuffer | null;
  /** Seqs this connection published that are not yet DELIVERED (ascending). */
  pending: number[] | null;
  /** Highest seq acked since the last ack batch (-1: none queued). */
  ackTo: number;
  /** Whether the queued ack came from an ACK frame (reply ACKED) or from a SUBSCRIBE cursor (no reply). */
  ackReply: boolean;
};

/** Inbox bookkeeping: per-sender rate limit and stored bytes (for the quota share). */
export class InboxState {
  readonly limiter: SenderLimiter;
  private readonly bySeq = new Map<number, { sender: string; size: number }>();
  private readonly bySender = new Map<string, number>();

  constructor(perMinute: number) {
    this.limiter = new SenderLimiter(perMinute);
  }

  stored(sender: string): number {
    return this.bySender.get(sender) ?? 0;
  }

  added(seq: number, sender: string, size: number): void {
    this.bySeq.set(seq, { sender, size });
    this.bySender.set(sender, this.stored(sender) + size);
  }

  deleted(seqs: readonly number[]): void {
    for (const seq of seqs) {
      const entry = this.bySeq.get(seq);
      if (!entry) continue;
      this.bySeq.delete(seq);
      const left = this.stored(entry.sender) - entry.size;
      if (left > 0) this.bySender.set(entry.sender, left);
      else this.bySender.delete(entry.sender);
    }
  }
}

export class TopicState {
  readonly id: TopicId;
  readonly key: string;
  readonly capability: CapabilityKey;
  readonly flags: number;
  headSeq: number;
  storedBytes: number;
  /** Registered devices; only used to tell whether a fresh publish may already count as delivered. */
  registered: number;
  /** Bytes accepted into the publish batch being committed (quota check). */
  batchBytes = 0;
  /** True while a publish batch has items of this topic waiting for an eviction. */
  overflowing = false;
  readonly subscribers = new Set<TopicLink>();
  /** Links with seqs waiting for DELIVERED. */
  readonly publishers = new Set<TopicLink>();
  /** Links of connections that reference this topic; 0 makes it a candidate for unloading. */
  links = 0;
  lastUsed: number;
  readonly inbox: InboxState | null;
  /** CLOSE_TOPIC was accepted: PUBLISH and REGISTER get TOPIC_CLOSED. */
  closed: boolean;

  constructor(meta: TopicMeta, key: string, registered: number, settings: RelaySettings, now: number) {
    this.id = meta.topic;
    this.key = key;
    this.capability = meta.capability;
    this.flags = meta.flags;
    this.headSeq = meta.headSeq;
    this.storedBytes = meta.storedBytes;
    this.registered = registered;
    this.lastUsed = now;
    this.inbox = (meta.flags & TopicFlags.OpenPublish) !== 0 ? new InboxState(settings.inboxPublishesPerMinute) : null;
    this.closed = (meta.flags & TopicFlags.Closed) !== 0;
  }

  get openPublish(): boolean {
    return this.inbox !== null;
  }
}

export type CreateTopic = { capability: CapabilityKey; flags: number };

export class Hub {
  readonly topics = new Map<string, TopicState>();
  /** Authenticated connections by device key (one per device: a newer one replaces the older). */
  readonly devices = new Map<string, Connection>();
  readonly connections = new Set<Connection>();
  private readonly loading = new Map<string, Promise<TopicState | null>>();
  private readonly store: RelayStore;
  private readonly settings: RelaySettings;

  constructor(store: RelayStore, settings: RelaySettings) {
    this.store = store;
    this.settings = settings;
  }

  /** The loaded topic, loading it from the store (and creating it when `create` is given) if needed;
   *  null when it does not exist. Concurrent callers share one load. */
  async get(id: TopicId, key: string, create: CreateTopic | null): Promise<TopicState | null> {
    const loaded = this.topics.get(key);
    if (loaded) return loaded;
    const inflight = this.loading.get(key);
    if (inflight) {
      const topic = await inflight;
      // A load that did not create found nothing: load again, creating (its cleanup ran before us).
      return topic !== null || create === null ? topic : this.get(id, key, create);
    }
    const pending = this.load(id, key, create);
    this.loading.set(key, pending);
    const clear = (): void => void this.loading.delete(key);
    pending.then(clear, clear);
    return pending;
  }

  private async load(id: TopicId, key: string, create: CreateTopic | null): Promise<TopicState | null> {
    let meta = await this.store.getTopic(id);
    if (meta === null) {
      if (create === null) return null;
      meta = await this.store.createTopic(id, create.capability, create.flags);
    }
    const registered = (await this.store.registrations(id)).length;
    const topic = new TopicState(meta, key, registered, this.settings, Date.now());
    if (topic.inbox) await this.loadInbox(topic);
    this.topics.set(key, topic);
    return topic;
  }

  /** Per-sender stored bytes of an inbox, read once when it is loaded (inboxes are small: owners ack them). */
  private async loadInbox(topic: TopicState): Promise<void> {
    const page = this.settings.replayPageSize;
    let after = 0;
    for (;;) {
      const updates = await this.store.readAfter(topic.id, after, page);
      for (const u of updates) topic.inbox!.added(u.seq, bytesKey(u.sender), u.payload.byteLength);
      if (updates.length < page) return;
      after = updates[updates.length - 1]!.seq;
    }
  }

  /** Forgets loaded topics nobody references and inbox senders whose limit has refilled. */
  sweep(now: number): void {
    for (const [key, topic] of this.topics) {
      topic.inbox?.limiter.sweep(now);
      if (topic.links === 0 && topic.subscribers.size === 0 && !topic.overflowing && now - topic.lastUsed > this.settings.topicIdleMs) this.topics.delete(key);
    }
  }
}
