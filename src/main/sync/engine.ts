// The sync engine: docs and their topics on every relay, the outbox worker, inbound queues, targeted
// sync, compaction, and sync() — wired to one RelayPool. What a sender may write and who to ask for
// history comes from the core through SyncPolicy (it knows accounts, contacts and device lists).
import type { UpdateFrame } from '../../shared/frames.js';
import { toHex } from '../../shared/ids.js';
import { err, ok } from '../../shared/result.js';
import type { CoreResult, CoreStatus } from '../../shared/core-api.js';
import { EnvelopePreverifier } from '../crypto/verify-worker.js';
import { createCursorStore } from '../db/index.js';
import { Backfill } from './backfill.js';
import type { BackfillProgress } from './backfill.js';
import { Compactor } from './compactor.js';
import { Convergence } from './convergence.js';
import { Digests } from './digests.js';
import { DocFrames } from './doc-frames.js';
import { DocRegistry } from './doc-registry.js';
import type { Committed } from './doc-registry.js';
import type { DocTopic, EngineOptions } from './engine-options.js';
import { InboundQueues } from './inbound.js';
import type { Step } from './inbound.js';
import { createOutboxStore } from './outbox-store.js';
import type { OutboxStore } from './outbox-store.js';
import { OutboxWorker } from './outbox-worker.js';
import { RelayPool } from './relay-pool.js';
import type { TopicSpec } from './relay-pool.js';
import { SyncWaiter } from './sync-waiter.js';

export class SyncEngine {
  readonly registry: DocRegistry;
  readonly pool: RelayPool;
  readonly outbox: OutboxStore;
  /** Convergence digests of the chats (docs/MULTIDEVICE.md, "Proof of convergence"). */
  readonly digests: Digests;
  readonly #o: EngineOptions;
  readonly #worker: OutboxWorker;
  readonly #inbound: InboundQueues;
  readonly #convergence: Convergence;
  readonly #compactor: Compactor;
  readonly #waiter: SyncWaiter;
  readonly #backfill: Backfill;
  readonly #frames: DocFrames;
  readonly #preverifier: EnvelopePreverifier | null;
  readonly #topics = new Map<string, DocTopic>();
  /** Topics (per relay) that reported GAP while replaying: asked for history once caught up. */
  readonly #gaps = new Set<string>();
  #stopped = false;

  constructor(o: EngineOptions) {
    this.#o = o;
    const { db, sodium, device, policy, log } = o;
    this.outbox = createOutboxStore(db);
    const cursors = createCursorStore(db);
    const history = db.prepare<[Uint8Array, string, Uint8Array], { here: number | null }>('SELECT max(store_id = ?) AS here FROM cursors WHERE relay = ? AND topic = ?');
    this.registry = new DocRegistry({ db, sodium, device, outbox: this.outbox, ownerOf: (d) => policy.ownerOf(d), afterCommit: (c) => this.#afterCommit(c), now: o.now });
    this.#compactor = new Compactor(this.registry.log, log);
    this.pool = new RelayPool({
      sodium,
      device,
      cursors,
      log,
      clientOptions: o.clientOptions,
      hasOutbox: (url) => this.outbox.relays().includes(url),
      cursorHistory: (url, storeId, topic) => {
        const here = history.get(storeId, url, topic)?.here;
        return here === 1 ? 'this' : here === 0 ? 'other' : 'none';
      },
      handlers: {
        open: (url, info) => {
          if (this.#stopped) return;
          this.#worker.kick(url);
          o.events.relayOpen(url, info);
          this.#changed();
        },
        close: (url) => {
          this.#inbound.clear(url);
          this.#changed();
        },
        ready: (url) => {
          this.#worker.kick(url);
          this.#waiter.notify();
        },
        update: (url, storeId, f) => {
          o.events.seen?.(f.sender, f.createdAt);
          const spec = this.registry.byTopic(toHex(f.topic));
          if (spec !== null) this.#convergence.peerSeen(url, spec, f.sender);
          this.#inbound.push(url, storeId, f);
        },
        caughtUp: (url, hex, needsResync) => {
          const spec = this.registry.byTopic(hex);
          if (spec !== null && (needsResync || this.#gaps.delete(`${url} ${hex}`))) this.#convergence.request(url, spec);
          if (spec !== null) this.#backfill.caughtUp(spec.id);
          if (spec !== null) this.digests.caughtUp(spec);
          this.#waiter.notify();
        },
        delivered: (url, f) => {
          if (this.#stopped) return;
          const spec = this.registry.byTopic(toHex(f.topic));
          if (spec?.kind !== 'chat') return;
          const ids = this.outbox.delivered(url, spec.id, f.seq);
          if (ids.length > 0) o.events.messageStates(new Map([[spec.id, ids]]));
        },
        gap: (url, f) => {
          const hex = toHex(f.topic);
          const spec = this.registry.byTopic(hex);
          if (spec === null) return;
          log.info({ relay: url, topic: hex, from: f.fromSeq, to: f.toSeq }, 'GAP: asking a peer for the missing history');
          if (this.pool.isCaughtUp(url, hex)) {
            // A GAP outside a subscribe: TTL expiry, or a quota eviction that also ended the subscription.
            this.#convergence.request(url, spec);
            this.pool.resubscribe(url, hex);
          } else this.#gaps.add(`${url} ${hex}`);
        },
        direct: (url, f) => {
          if (this.#stopped) return;
          o.events.seen?.(f.sender, o.now());
          this.#frames.direct(url, f).catch((e: unknown) => this.#stopped || log.error({ relay: url }, `direct frame failed: ${(e as Error).message}`));
        },
        targetOffline: (url, hex) => this.#convergence.targetOffline(url, hex),
        ephemeral: (url, f) => {
          const spec = this.#stopped ? null : this.registry.byTopic(toHex(f.topic));
          if (spec !== null) this.digests.ephemeral(url, spec, f);
        },
      },
    });
    this.#worker = new OutboxWorker({
      db,
      outbox: this.outbox,
      registry: this.registry,
      pool: this.pool,
      log,
      published: (m) => this.#published(m),
      // A doc's own rows are resealed when it moves to its new topic; others (invites) are the core's to handle.
      closed: (url, row) => void (this.registry.spec(row.doc) === null && o.events.topicClosed?.(url, row)),
    });
    const pre = (this.#preverifier = o.verifyWorker === false ? null : EnvelopePreverifier.create(sodium));
    const preverify = pre === null ? undefined : (frames: UpdateFrame[]) => pre.check(frames.map((f) => f.payload));
    this.#inbound = new InboundQueues({ registry: this.registry, pool: this.pool, log, decide: (url, f) => this.#decide(url, f), retryMs: o.inboundRetryMs, idle: () => this.#waiter.notify(), preverify });
    const messageCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages WHERE chat = ?');
    this.#convergence = new Convergence({
      sodium,
      device,
      registry: this.registry,
      pool: this.pool,
      log,
      candidates: (s) => policy.candidates(s),
      bytesPerSecond: o.step2BytesPerSecond,
      itemsOf: (s) => (s.kind === 'chat' ? (messageCount.get(s.id)?.n ?? 0) : 0),
    });
    this.#backfill = new Backfill({
      db,
      log,
      now: o.now,
      followed: () => [...this.#topics.keys()],
      request: (doc, again) => this.#askForHistory(doc, again),
      progress: (p) => {
        o.events.backfill?.(p);
        this.#waiter.notify();
      },
    });
    this.digests = new Digests({
      sodium,
      device,
      registry: this.registry,
      pool: this.pool,
      log,
      now: o.now,
      devicesOf: (s) => policy.registerDevices(s),
      ownerOf: (d) => policy.ownerOf(d),
      isMember: (s, d) => policy.membership(s, d) === 'member',
      refreshMembers: (s, d) => policy.refreshMembers(s, d),
      listening: () => o.events.wantsChatSync?.() ?? o.events.chatSync !== undefined,
      changed: (status) => o.events.chatSync?.(status),
      seen: (d) => o.events.seen?.(d, o.now()),
      timing: o.digestTiming,
    });
    this.#frames = new DocFrames({ sodium: pre?.sodium ?? sodium, policy, log, registry: this.registry, convergence: this.#convergence, backfill: this.#backfill, stopped: () => this.#stopped });
    this.#waiter = new SyncWaiter({
      pool: this.pool,
      outbox: this.outbox,
      busy: () => this.#inbound.busy(),
      pending: () => this.#backfill.unsettled(),
      refusals: () => this.#worker.refusals(),
    });
  }

  /** True once stop() began: async work that resumes afterwards must not touch the database. */
  get stopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.pool.start();
    this.#worker.kickAll();
    this.#backfill.start();
  }

  /** Progress of a linked device's first backfill; complete when none runs. */
  backfillProgress(): BackfillProgress {
    return this.#backfill.progress();
  }

  /** Final: the relays are closed and no event fires afterwards. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#worker.stop();
    this.#inbound.stop();
    this.#convergence.stop();
    this.digests.stop();
    this.#compactor.stop();
    this.#waiter.stop();
    this.#backfill.stop();
    await this.#preverifier?.close();
    await this.pool.stop();
  }

  /** Registers a doc and follows its topic on each of its relays. */
  follow(spec: DocTopic): void {
    this.registry.register(spec);
    const known = this.#topics.get(spec.id);
    this.#topics.set(spec.id, spec);
    const topic: TopicSpec = { topic: spec.topic, hex: spec.topicHex, capability: spec.capability, flags: 0, devices: () => this.#o.policy.registerDevices(spec) };
    for (const url of spec.relays) this.pool.addTopic(url, topic);
    if (known === undefined) this.#compactor.note(spec.id, this.registry.log.countUpdates(spec.id));
  }

  /**
   * Moves a followed doc to a new key and topic (a key epoch after a revocation) and follows the new topic. The
   * old topic stays followed on the pool, no longer mapped to the doc: its frames go to SyncPolicy.decideOther
   * until the caller removes it.
   */
  retopic(spec: DocTopic): void {
    const known = this.#topics.get(spec.id);
    if (known === undefined) throw new Error(`doc ${spec.id} is not followed`);
    if (known.topicHex === spec.topicHex) return;
    this.registry.retopic(spec.id, spec);
    this.#topics.set(spec.id, spec);
    this.digests.forget(spec.id);
    const topic: TopicSpec = { topic: spec.topic, hex: spec.topicHex, capability: spec.capability, flags: 0, devices: () => this.#o.policy.registerDevices(spec) };
    for (const url of spec.relays) this.pool.addTopic(url, topic);
    this.#changed();
  }

  /** Follows a topic that is no doc (the inbox); its updates go to SyncPolicy.decideOther. */
  followTopic(url: string, spec: TopicSpec): void {
    this.pool.addTopic(url, spec);
  }

  /** Stops following a doc and forgets it locally (log, messages, cursors, outbox rows). */
  unfollow(id: string): void {
    const spec = this.#topics.get(id);
    if (spec === undefined) return;
    for (const url of spec.relays) this.pool.removeTopic(url, spec.topicHex);
    this.#topics.delete(id);
    this.#compactor.forget(id);
    this.digests.forget(id);
    this.registry.transaction(() => {
      this.outbox.removeDoc(id);
      this.outbox.removeChatDelivery(id);
    });
    this.registry.drop(id);
    this.#changed();
  }

  topic(id: string): DocTopic | null {
    return this.#topics.get(id) ?? null;
  }

  /** Kicks the outbox of the given relays (after rows were written outside a doc change). */
  kick(relays: Iterable<string>): void {
    for (const url of relays) this.#worker.kick(url);
    this.#changed();
  }

  status(): CoreStatus {
    const relays = this.pool.status();
    return { relays, outbox: this.outbox.count(), online: relays.some((r) => r.connected) };
  }

  /** Resolves once the outbox is empty, every ack is confirmed and every followed topic caught up. */
  async sync(timeoutMs: number): Promise<CoreResult<{ topics: number }>> {
    const r = await this.#waiter.wait(timeoutMs);
    if (r.ok) return ok({ topics: r.value });
    return err(r.code, r.message);
  }

  /** Sends a step 1 for a doc to one peer on a relay where its topic caught up; false when there is none yet. */
  #askForHistory(doc: string, again: boolean): boolean {
    const spec = this.#topics.get(doc);
    const url = spec?.relays.find((u) => this.pool.isCaughtUp(u, spec.topicHex));
    if (spec === undefined || url === undefined) return false;
    if (again) this.#convergence.retry(url, spec);
    else this.#convergence.request(url, spec);
    return true;
  }

  #afterCommit(c: Committed): void {
    for (const [doc, n] of c.appended) {
      this.#compactor.note(doc, n);
      this.digests.changed(doc);
    }
    for (const url of c.outbox) this.#worker.kick(url);
    this.#o.events.committed(c);
    if (c.outbox.size > 0) this.#changed();
  }

  #published(messages: Map<string, string[]>): void {
    if (messages.size > 0) this.#o.events.messageStates(messages);
    this.#changed();
  }

  #changed(): void {
    if (this.#stopped) return;
    this.#waiter.notify();
    this.#o.events.status();
  }

  #decide(url: string, f: UpdateFrame): Step | Promise<Step> {
    const spec = this.registry.byTopic(toHex(f.topic));
    if (spec === null) return this.#o.policy.decideOther(url, f);
    return this.#frames.decide(spec, f);
  }
}
