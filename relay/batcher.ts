// Group commit. A tick's publishes go to the store in one call, acks in windows (coalesced per topic
// and device, committed in chunks); every other write that changes what a topic stores (register,
// unregister, eviction, expiry) runs in the same serial loop through exclusive(), so each topic's
// in-memory head and stored bytes match the store whenever the loop looks at them.
import type { Logger } from 'pino';
import { FrameType } from '../src/shared/frames.js';
import { bytesEqual } from '../src/shared/ids.js';
import type { RelaySettings } from './core.js';
import { announceDelivered } from './delivery.js';
import type { Hub, TopicLink, TopicState } from './hub.js';
import { exceedsQuota, exceedsSenderShare } from './limits.js';
import type { Metrics } from './metrics.js';
import { evictForQuota } from './quota.js';
import type { CursorFloor, RelayStore } from './store/types.js';
import { WritePass } from './wire.js';
import type { Wire } from './wire.js';
import { noteDeleted } from './deletions.js';
import { appendAndFanOut } from './fan-out.js';

export type PendingPublish = { link: TopicLink; reqId: number; payload: Uint8Array; /** inbox publish without the capability */ limited: boolean };
/** Most acks per store call: bounds how long one commit (and its ACKED writes) holds the event loop (64: ~2.3 ms at
 *  100x10 with deletions). 16 shortened those stalls (latency-only pairs: p99 100x10 median 7.2 -> 5.8 ms, and 0.5 ms
 *  in a later series) but cost ~8% of the 100x10 throughput (4 + 3 alternating pairs: medians 221k -> 204k and 244k
 *  -> 224k deliveries/s): the yields between the extra chunks break publish batches up. Throughput is the target
 *  on the edge, so 64 stays. */
export const ACK_CHUNK = 64;

const byTopic = (a: TopicLink, b: TopicLink): number => (a.topic.key < b.topic.key ? -1 : a.topic.key > b.topic.key ? 1 : 0);

type Task = { run: () => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };

export type BatcherDeps = { store: RelayStore; settings: RelaySettings; metrics: Metrics; hub: Hub; log: Logger; wire: Wire };

export class Batcher {
  private publishes: PendingPublish[] = [];
  private acks: TopicLink[] = [];
  /** Whether acks is in topic order (see loop). */
  private acksSorted = true;
  private readonly tasks: Task[] = [];
  private scheduled = false;
  private running = false;
  /** Acks wait for their window (settings.ackBatchMs) unless this is set by the timer or by idle(). */
  private acksDue = false;
  private draining = false;
  private ackTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Sockets corked while a batch is written. */
  private readonly pass = new WritePass();
  private readonly runLoop = (): void => void this.loop();
  private readonly acksDueNow = (): void => {
    this.ackTimer = null;
    // The acks this timer was set for may have been committed early (deleteOwnIfAlone); a stale flag
    // would keep later acks from ever setting a timer again.
    this.acksDue = this.acks.length > 0;
    if (this.acksDue) this.schedule();
  };

  /** What the batcher works with; the deletion helpers take it too. */
  readonly deps: BatcherDeps;

  constructor(deps: BatcherDeps) {
    this.deps = deps;
  }

  publish(link: TopicLink, reqId: number, payload: Uint8Array, limited: boolean): void {
    this.publishes.push({ link, reqId, payload, limited });
    this.schedule();
  }

  /** Coalesces per (topic, device): the highest seq wins; reply says whether to answer ACKED. */
  ack(link: TopicLink, seq: number, reply: boolean): void {
    if (link.ackTo < 0) {
      this.acks.push(link);
      this.acksSorted = false;
    }
    if (seq > link.ackTo) link.ackTo = seq;
    if (reply) link.ackReply = true;
    if (this.deps.settings.ackBatchMs <= 0 || this.acksDue) {
      this.acksDue = true;
      this.schedule();
    } else if (this.ackTimer === null && !this.acksDue) {
      this.ackTimer = setTimeout(this.acksDueNow, this.deps.settings.ackBatchMs);
    }
  }

  /** Runs a store operation between commits, never concurrently with one. */
  exclusive<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.tasks.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commits everything queued so far, acks included without waiting for their window. */
  idle(): Promise<void> {
    if (this.ackTimer !== null) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (!this.running && !this.scheduled && this.publishes.length === 0 && this.acks.length === 0 && this.tasks.length === 0) return Promise.resolve();
    this.draining = true;
    this.schedule();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private acksReady(): boolean {
    return this.acks.length > 0 && (this.acksDue || this.draining);
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(this.runLoop);
  }

  private async loop(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    try {
      while (this.publishes.length > 0 || this.acksReady() || this.tasks.length > 0) {
        if (this.publishes.length > 0) {
          const batch = this.publishes;
          this.publishes = [];
          await this.commitPublishes(batch);
        }
        if (this.acksReady()) {
          let batch = this.acks;
          if (batch.length > ACK_CHUNK) {
            // Chunks cut along topics: each topic's acks share one deletion pass (store micro-bench,
            // 100 topics x 10 devices: ~19 -> ~14 us per ack, commits ~1.0 -> ~0.65 ms).
            if (!this.acksSorted) batch.sort(byTopic);
            this.acksSorted = true;
            batch = this.acks.splice(0, ACK_CHUNK);
          }
          else {
            this.acks = [];
            this.acksDue = false;
          }
          await this.commitAcks(batch);
          // Let socket reads in between: publishes waiting behind a long ack backlog would see its whole latency.
          if (this.acks.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const task = this.tasks.shift();
        if (task) await task.run().then(task.resolve, task.reject);
      }
    } finally {
      this.running = false;
      this.draining = false;
      if (this.acks.length > 0 && this.ackTimer === null && !this.acksDue) this.ackTimer = setTimeout(this.acksDueNow, this.deps.settings.ackBatchMs);
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async commitPublishes(batch: PendingPublish[]): Promise<void> {
    const { settings } = this.deps;
    const quota = settings.topicQuotaBytes;
    const accepted: PendingPublish[] = [];
    let overflow: PendingPublish[] | null = null;
    for (const p of batch) {
      const topic = p.link.topic;
      const size = p.payload.byteLength;
      if (p.limited && exceedsSenderShare(topic.inbox!.stored(p.link.conn.deviceKey), size, quota, settings.inboxShareDivisor)) {
        this.rejectQuota(p, 'this sender holds its share of the inbox quota: retry later');
      } else if (topic.overflowing || exceedsQuota(topic.storedBytes, topic.batchBytes, size, quota)) {
        // Later publishes on the topic wait too, so one publisher's updates keep their order.
        topic.overflowing = true;
        (overflow ??= []).push(p);
      } else {
        topic.batchBytes += size;
        accepted.push(p);
      }
    }
    await this.appendAndFanOut(accepted);
    if (overflow !== null) await this.commitOverflow(overflow);
  }

  /** Publishes that did not fit: evict oldest cursors on their topic until they fit, else QUOTA. */
  private async commitOverflow(items: PendingPublish[]): Promise<void> {
    const quota = this.deps.settings.topicQuotaBytes;
    // Queued acks may free enough space: commit them before unregistering anyone.
    if (this.acks.length > 0) {
      const acks = this.acks;
      this.acks = [];
      await this.commitAcks(acks);
    }
    const accepted: PendingPublish[] = [];
    for (const p of items) {
      const topic = p.link.topic;
      const size = p.payload.byteLength;
      let fits = !exceedsQuota(topic.storedBytes, topic.batchBytes, size, quota);
      while (!fits && topic.batchBytes + size <= quota) {
        if (!(await evictForQuota(this.deps, topic, p.link.conn.deviceKey))) break;
        fits = !exceedsQuota(topic.storedBytes, topic.batchBytes, size, quota);
      }
      if (fits) {
        topic.batchBytes += size;
        accepted.push(p);
      } else this.rejectQuota(p, 'topic quota reached: retry later');
    }
    for (const p of items) p.link.topic.overflowing = false;
    await this.appendAndFanOut(accepted);
  }

  private rejectQuota(p: PendingPublish, message: string): void {
    p.link.conn.error(p.reqId, 'QUOTA', p.link.topic.id, message);
    p.link.conn.release(p.link);
  }

  /** Commits and fans out, then settles DELIVERED for topics whose only registered device is the publisher. */
  private async appendAndFanOut(items: PendingPublish[]): Promise<void> {
    const checkFloor = await appendAndFanOut(this.deps, this.pass, items);
    if (checkFloor === null) return;
    for (const topic of checkFloor) {
      try {
        const floor = await this.deps.store.cursorFloor(topic.id);
        this.deleteOwnIfAlone(topic, floor);
        announceDelivered(topic, floor);
      } catch (error) {
        this.deps.log.error({ err: error }, 'cursor floor failed');
      }
    }
  }

  private async commitAcks(links: TopicLink[]): Promise<void> {
    const { store, metrics } = this.deps;
    const replies: boolean[] = new Array<boolean>(links.length);
    const inputs = links.map((link, i) => {
      replies[i] = link.ackReply;
      const seq = link.ackTo;
      link.ackTo = -1;
      link.ackReply = false;
      return { topic: link.topic.id, device: link.conn.device!, seq };
    });
    let results;
    try {
      results = await store.ack(inputs);
    } catch (error) {
      for (let i = 0; i < links.length; i++) if (replies[i]) links[i]!.conn.internal(0, links[i]!.topic.id, error);
      return;
    }
    const floors = new Map<TopicState, CursorFloor>();
    try {
      for (let i = 0; i < links.length; i++) {
        const link = links[i]!;
        const r = results[i]!;
        const topic = link.topic;
        // ACKED waits for the socket's next write (deferFrame); with deferral off, cork so it shares one with DELIVERED.
        if (replies[i] && (!r.registered || this.deps.settings.controlFrameDelayMs <= 0)) this.pass.hold(link.conn);
        if (!r.registered) {
          if (replies[i]) link.conn.error(0, 'NOT_REGISTERED', topic.id, 'this device is not registered on the topic');
        } else {
          metrics.acks++;
          if (replies[i]) link.conn.deferFrame({ type: FrameType.Acked, topic: topic.id, seq: r.cursor });
        }
        if (r.deleted.length > 0) {
          noteDeleted(this.deps.metrics, topic, r.deleted);
          topic.storedBytes -= r.deletedBytes;
        }
        floors.set(topic, r.floor);
      }
      for (const [topic, floor] of floors) announceDelivered(topic, floor);
    } finally {
      this.pass.release();
    }
  }

  /** A publisher that is the topic's only registered device counts as having its own updates, so they
   *  wait for nobody: an ack that leaves its cursor where it is runs the store's deletion pass. */
  private deleteOwnIfAlone(topic: TopicState, floor: CursorFloor): void {
    if (topic.registered !== 1 || floor.minDevice === null) return;
    for (const link of topic.publishers) {
      if (bytesEqual(link.conn.device!, floor.minDevice)) {
        // Not worth waiting for the ack window: the space is wanted by this publisher's next update.
        this.ack(link, 0, false);
        this.acksDue = true;
        return;
      }
    }
  }
}
