// One RelayClient per relay URL, and per relay the topics this device follows there: proven, registered
// (the devices that must receive it) and subscribed from the persisted cursor. It also tracks what sync()
// waits for: CAUGHT_UP per subscribed topic, and every sent ack confirmed by ACKED.
import { RelayClient } from '../relay-client/index.js';
import type { DeviceIdentity, RelayClientOptions } from '../relay-client/index.js';
import type { DeliveredFrame, DirectInFrame, EphemeralInFrame, GapFrame, UpdateFrame } from '../../shared/frames.js';
import type { StoreId, TopicId } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { MAX_DEVICES_PER_REGISTER } from '../../shared/limits.js';
import type { RelayStatus } from '../../shared/core-api.js';
import type { CursorStore } from '../db/index.js';
import type { CoreLogger } from './logger.js';
import * as ts from './topic-state.js';
import type { CursorHistory, TopicSpec, TopicState } from './topic-state.js';

export type { TopicSpec } from './topic-state.js';

export type RelayEntry = {
  readonly url: string;
  readonly client: RelayClient;
  connected: boolean;
  /** connect() was called (the client then reconnects by itself). */
  connecting: boolean;
  storeId: StoreId | null;
  lastError: string | null;
  readonly topics: Map<string, TopicState>;
};

export type PoolHandlers = {
  open(url: string, info: { reconnected: boolean; storeChanged: boolean }): void;
  close(url: string): void;
  /** The topic is proven, registered and subscribed on this relay: its outbox rows may go. */
  ready(url: string, topicHex: string): void;
  update(url: string, storeId: StoreId, frame: UpdateFrame): void;
  /** needsResync: a first backfill that lacked history, or a cursor voided by a new store. */
  caughtUp(url: string, topicHex: string, needsResync: boolean): void;
  delivered(url: string, frame: DeliveredFrame): void;
  gap(url: string, frame: GapFrame): void;
  direct(url: string, frame: DirectInFrame): void;
  /** An EPHEMERAL frame on a followed topic (convergence digests). */
  ephemeral?(url: string, frame: EphemeralInFrame): void;
  targetOffline(url: string, topicHex: string): void;
};

export type PoolOptions = {
  sodium: Sodium;
  device: DeviceIdentity;
  cursors: CursorStore;
  /** Whether this device has a cursor row for the topic on this relay: under this store id, only under
   *  another one (the relay lost its store), or none at all (never subscribed there). */
  cursorHistory(url: string, storeId: StoreId, topic: TopicId): CursorHistory;
  handlers: PoolHandlers;
  /** Whether outbox rows wait for this relay (it then stays connected). */
  hasOutbox(url: string): boolean;
  log: CoreLogger;
  clientOptions?: Partial<Omit<RelayClientOptions, 'sodium' | 'device' | 'resumeCursor'>>;
};

export class RelayPool {
  readonly #o: PoolOptions;
  readonly #relays = new Map<string, RelayEntry>();
  #started = false;

  constructor(options: PoolOptions) {
    this.#o = options;
  }

  get(url: string): RelayEntry | null {
    return this.#relays.get(url) ?? null;
  }

  entries(): RelayEntry[] {
    return [...this.#relays.values()];
  }

  /** The entry for url, created (and, once started, connected) if absent. */
  ensure(url: string): RelayEntry {
    let e = this.#relays.get(url);
    if (e !== undefined) return e;
    const client = new RelayClient({ ...this.#o.clientOptions, sodium: this.#o.sodium, device: this.#o.device, resumeCursor: (topic, storeId) => this.#resume(url, topic, storeId) });
    e = { url, client, connected: false, connecting: false, storeId: null, lastError: null, topics: new Map() };
    this.#relays.set(url, e);
    this.#wire(e);
    if (this.#started) this.#connect(e);
    return e;
  }

  /** Connects every relay known so far (and later ones as they are added). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const e of this.#relays.values()) this.#connect(e);
  }

  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all([...this.#relays.values()].map((e) => e.client.close()));
  }

  /** Resolves true once the relay is connected (connecting it if needed); false when a connection attempt
   *  fails or after timeoutMs. */
  whenOpen(url: string, timeoutMs: number): Promise<boolean> {
    const e = this.ensure(url);
    if (e.connected) return Promise.resolve(true);
    this.#connect(e);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const offOpen = e.client.on('open', () => done(true));
      const offClose = e.client.on('close', () => done(false));
      const done = (v: boolean) => {
        clearTimeout(timer);
        offOpen();
        offClose();
        resolve(v);
      };
    });
  }

  /** Closes and forgets a relay that this device follows no topic on (e.g. one named by a contact's code). */
  dropIfIdle(url: string): void {
    const e = this.#relays.get(url);
    if (e === undefined || e.topics.size > 0 || this.#o.hasOutbox(url)) return;
    this.#relays.delete(url);
    void e.client.close();
  }

  /** Follows a topic on a relay; proven, registered and subscribed now if connected, else at the next open. */
  addTopic(url: string, spec: TopicSpec): void {
    const e = this.ensure(url);
    if (e.topics.has(spec.hex)) return;
    e.topics.set(spec.hex, ts.newTopicState(spec));
    if (e.connected) void this.#openTopic(e, e.topics.get(spec.hex)!);
  }

  /** Stops following a topic (unsubscribes when connected); registration is the caller's business. */
  removeTopic(url: string, hex: string): void {
    const e = this.#relays.get(url);
    const t = e?.topics.get(hex);
    if (e === undefined || t === undefined) return;
    e.topics.delete(hex);
    // Also offline: the client then no longer resubscribes it after a reconnect.
    if (t.proven) void e.client.unsubscribe(t.spec.topic);
  }

  /** Subscribes a followed topic again from its persisted cursor: after a quota eviction the relay has
   *  unregistered this device and ended the subscription, and only a new SUBSCRIBE registers it again. */
  resubscribe(url: string, hex: string): void {
    const e = this.#relays.get(url);
    const t = e?.topics.get(hex);
    const storeId = e?.client.storeId ?? null;
    if (e === undefined || t === undefined || !e.connected || !t.proven || storeId === null) return;
    const cursor = this.#o.cursors.get(url, storeId, t.spec.topic);
    void e.client.subscribe(t.spec.topic, cursor).then((r) => {
      if (!r.ok) this.#topicFailed(e, t, 'SUBSCRIBE', r.message);
    });
  }

  isReady(url: string, hex: string): boolean {
    return this.#relays.get(url)?.topics.get(hex)?.ready === true;
  }

  isCaughtUp(url: string, hex: string): boolean {
    return this.#relays.get(url)?.topics.get(hex)?.caughtUp === true;
  }

  follows(url: string, hex: string): boolean {
    return this.#relays.get(url)?.topics.has(hex) === true;
  }

  /** A cumulative ack, sent after the update was committed; sync() waits for its ACKED. */
  ack(url: string, topic: TopicId, seq: number): void {
    const e = this.#relays.get(url);
    const t = e?.topics.get(toHex(topic));
    if (e === undefined || t === undefined) return;
    ts.ackSent(t, seq);
    this.#o.log.debug({ relay: url, topic: t.spec.hex.slice(0, 8), seq }, 'ack');
    e.client.ack(topic, seq);
  }

  /** Why this relay is not settled for sync(), or null: connected, every topic caught up, every ack confirmed. */
  unsettled(url: string): string | null {
    const e = this.#relays.get(url);
    if (e === undefined) return null;
    if (!e.connected) return 'not connected';
    for (const t of e.topics.values()) {
      const why = ts.unsettledReason(t);
      if (why !== null) return why;
    }
    return null;
  }

  status(): RelayStatus[] {
    return [...this.#relays.values()].map((e) => ({ url: e.url, connected: e.connected, storeId: e.storeId === null ? null : toHex(e.storeId), lastError: e.lastError }));
  }

  // ---- internals

  #connect(e: RelayEntry): void {
    if (e.client.isOpen || e.connecting) return;
    e.connecting = true;
    void e.client.connect(e.url).then(
      (r) => {
        if (!r.ok) e.lastError = `${r.code}: ${r.message}`;
      },
      () => undefined, // connect() twice: already connecting
    );
  }

  #resume(url: string, topic: TopicId, storeId: StoreId): number {
    const t = this.#relays.get(url)?.topics.get(toHex(topic));
    const cursor = this.#o.cursors.get(url, storeId, topic);
    if (t !== undefined) this.#prepareSubscribe(url, t, storeId, cursor);
    return cursor;
  }

  /** Decides before a subscribe whether its backlog will need a step 1, and records that this store has a cursor. */
  #prepareSubscribe(url: string, t: TopicState, storeId: StoreId, cursor: number): void {
    const history = cursor > 0 ? 'this' : this.#o.cursorHistory(url, storeId, t.spec.topic);
    ts.beforeSubscribe(t, cursor, history);
    // A row (cursor 0) marks that this device subscribed under this store: later subscriptions are no first backfill.
    if (history !== 'this') this.#o.cursors.advance(url, storeId, t.spec.topic, 0);
  }

  async #openTopic(e: RelayEntry, t: TopicState): Promise<void> {
    const { client } = e;
    const opened = await client.openTopic(t.spec.capability, t.spec.flags);
    if (!opened.ok) return this.#topicFailed(e, t, 'OPEN_TOPIC', opened.message);
    t.proven = true;
    if (!(await this.#register(e, t))) return;
    const storeId = client.storeId;
    if (storeId === null || e.topics.get(t.spec.hex) !== t) return;
    const cursor = this.#o.cursors.get(e.url, storeId, t.spec.topic);
    this.#prepareSubscribe(e.url, t, storeId, cursor);
    const sub = await client.subscribe(t.spec.topic, cursor);
    if (!sub.ok) return this.#topicFailed(e, t, 'SUBSCRIBE', sub.message);
    this.#markReady(e, t);
  }

  async #register(e: RelayEntry, t: TopicState): Promise<boolean> {
    const devices = t.spec.devices();
    for (let i = 0; i < devices.length; i += MAX_DEVICES_PER_REGISTER) {
      const r = await e.client.register(t.spec.topic, devices.slice(i, i + MAX_DEVICES_PER_REGISTER));
      if (!r.ok) {
        this.#topicFailed(e, t, 'REGISTER', r.message);
        return false;
      }
    }
    return true;
  }

  #markReady(e: RelayEntry, t: TopicState): void {
    if (!e.connected || e.topics.get(t.spec.hex) !== t) return;
    t.ready = true;
    this.#o.handlers.ready(e.url, t.spec.hex);
  }

  #topicFailed(e: RelayEntry, t: TopicState, what: string, message: string): void {
    e.lastError = `${what} ${t.spec.hex.slice(0, 8)}: ${message}`;
    this.#o.log.warn({ relay: e.url, topic: t.spec.hex }, `${what} failed: ${message}`);
  }

  async #onOpen(e: RelayEntry, reconnected: boolean, storeChanged: boolean): Promise<void> {
    e.connected = true;
    e.storeId = e.client.storeId;
    e.lastError = null;
    for (const t of e.topics.values()) ts.reconnected(t, storeChanged);
    this.#o.handlers.open(e.url, { reconnected, storeChanged });
    await Promise.all(
      [...e.topics.values()].map(async (t) => {
        if (!t.proven) return this.#openTopic(e, t);
        // The relay restored our own registration by the resubscribe; a new store also lost the others'.
        if (storeChanged && !(await this.#register(e, t))) return;
        this.#markReady(e, t);
      }),
    );
  }

  #wire(e: RelayEntry): void {
    const { client } = e;
    const h = this.#o.handlers;
    const topicOf = (topic: TopicId) => e.topics.get(toHex(topic));
    client.on('open', (o) => void this.#onOpen(e, o.reconnected, o.storeChanged));
    client.on('close', (c) => {
      const was = e.connected;
      e.connected = false;
      for (const t of e.topics.values()) ts.disconnected(t);
      if (!c.willReconnect && e.lastError === null) e.lastError = `closed (${c.code}${c.reason ? ` ${c.reason}` : ''})`;
      if (was) h.close(e.url);
    });
    client.on('closing', (c) => {
      if (c.reason === 'REPLACED') e.lastError = 'replaced: another process runs this device';
    });
    client.on('update', (f) => {
      const t = topicOf(f.topic);
      if (t === undefined || e.storeId === null) return;
      ts.updateSeen(t, f.seq);
      h.update(e.url, e.storeId, f);
    });
    client.on('caughtUp', (f) => {
      const t = topicOf(f.topic);
      if (t === undefined) return;
      h.caughtUp(e.url, t.spec.hex, ts.caughtUp(t, f.headSeq));
    });
    client.on('acked', (f) => {
      const t = topicOf(f.topic);
      this.#o.log.debug({ relay: e.url, topic: toHex(f.topic).slice(0, 8), seq: f.seq }, 'acked');
      if (t !== undefined) ts.ackConfirmed(t, f.seq);
    });
    client.on('delivered', (f) => h.delivered(e.url, f));
    client.on('gap', (f) => h.gap(e.url, f));
    client.on('direct', (f) => h.direct(e.url, f));
    client.on('ephemeral', (f) => topicOf(f.topic) !== undefined && h.ephemeral?.(e.url, f));
    client.on('error', (x) => {
      const t = x.topic === null ? undefined : topicOf(x.topic);
      if (x.code === 'TARGET_OFFLINE' && x.topic !== null) return h.targetOffline(e.url, toHex(x.topic));
      // An ack the relay refuses (no longer registered) will never be confirmed: stop waiting for it.
      if (x.code === 'NOT_REGISTERED' && t !== undefined) ts.ackConfirmed(t, t.ackSent);
      this.#o.log.warn({ relay: e.url, code: x.code, topic: x.topic === null ? null : toHex(x.topic) }, `relay error: ${x.message}`);
    });
  }
}
