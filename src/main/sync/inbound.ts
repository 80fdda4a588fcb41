// Inbound updates, per (relay, topic), strictly in relay order because acks are cumulative: each update is
// decided (verify, open, sender policy), a run of decided updates is applied and its cursor advanced in one
// transaction, then acked. A decision that needs the network (an unknown sender device) holds the queue:
// nothing after it is acked until it is decided, and a 'stall' (no relay answered) retries later.
import type { UpdateFrame } from '../../shared/frames.js';
import type { StoreId } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import type { DocRegistry, RemoteUpdate } from './doc-registry.js';
import type { CoreLogger } from './logger.js';
import type { RelayPool } from './relay-pool.js';

/** apply: persist this update; skip: nothing to persist but ack it (a duplicate, or invalid for good); stall: retry later. */
export type Step = { kind: 'apply'; update: RemoteUpdate } | { kind: 'skip' } | { kind: 'stall' };
export type Decide = (url: string, frame: UpdateFrame) => Step | Promise<Step>;

type Item = {
  storeId: StoreId;
  frame: UpdateFrame;
  /** A decision still waiting on the network. */
  pending?: Promise<Step>;
  /** Its signature being checked ahead (InboundOptions.preverify). */
  checked?: Promise<void>;
};
type Queue = { url: string; items: Item[]; running: boolean; retry: ReturnType<typeof setTimeout> | null };
type Decided = { update: RemoteUpdate | null; seq: number };

export type InboundOptions = {
  registry: DocRegistry;
  pool: RelayPool;
  decide: Decide;
  log: CoreLogger;
  /** Updates per transaction (default 256). */
  maxBatch?: number;
  /** Longest time spent deciding one transaction's updates before committing and yielding (default 20 ms). */
  maxSliceMs?: number;
  /** Delay before a stalled queue tries again (default 5 s). */
  retryMs?: number;
  /** Called whenever a queue becomes idle. */
  idle(): void;
  /** Checks the frames' signatures ahead (on another thread); used for backlogs of at least PREVERIFY_MIN frames,
   *  the next batch while the current one is applied. Must not reject. */
  preverify?(frames: UpdateFrame[]): Promise<void>;
};

/** Queued frames from which checking signatures ahead pays for the thread hop (a live message is verified in place). */
export const PREVERIFY_MIN = 16;

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown }).then === 'function';

export class InboundQueues {
  readonly #o: InboundOptions;
  readonly #queues = new Map<string, Queue>();
  #stopped = false;

  constructor(options: InboundOptions) {
    this.#o = options;
  }

  push(url: string, storeId: StoreId, frame: UpdateFrame): void {
    if (this.#stopped) return;
    const key = `${url} ${toHex(frame.topic)}`;
    let q = this.#queues.get(key);
    if (q === undefined) this.#queues.set(key, (q = { url, items: [], running: false, retry: null }));
    q.items.push({ storeId, frame });
    if (q.running || q.retry !== null) return;
    // Started after the current I/O callbacks, so a burst of frames is applied in one transaction.
    q.running = true;
    setImmediate(() => void this.#drain(key, q));
  }

  /** True while any update is waiting or being applied. */
  busy(): boolean {
    for (const q of this.#queues.values()) if (q.items.length > 0 || q.running) return true;
    return false;
  }

  /** Forgets what a relay had queued (its socket closed: the relay resends from the persisted cursor). */
  clear(url: string): void {
    for (const [key, q] of this.#queues) {
      if (q.url !== url) continue;
      q.items.length = 0;
      if (q.retry !== null) clearTimeout(q.retry);
      q.retry = null;
      if (!q.running) this.#queues.delete(key);
    }
    this.#o.idle();
  }

  stop(): void {
    this.#stopped = true;
    for (const q of this.#queues.values()) {
      if (q.retry !== null) clearTimeout(q.retry);
      q.items.length = 0;
    }
  }

  /** Runs with q.running set by the caller. */
  async #drain(key: string, q: Queue): Promise<void> {
    try {
      while (q.items.length > 0 && !this.#stopped) {
        if (this.#o.preverify !== undefined && (q.items[0]!.checked !== undefined || q.items.length >= PREVERIFY_MIN)) {
          this.#checkAhead(q, 0);
          this.#checkAhead(q, this.#o.maxBatch ?? 256);
          await q.items[0]!.checked;
          if (this.#stopped || q.items.length === 0) break;
        }
        const batch: Decided[] = [];
        const storeId = q.items[0]!.storeId;
        const topic = q.items[0]!.frame.topic;
        let stalled = false;
        const deadline = performance.now() + (this.#o.maxSliceMs ?? 20);
        while (q.items.length > 0 && batch.length < (this.#o.maxBatch ?? 256) && (batch.length === 0 || performance.now() < deadline)) {
          const item = q.items[0]!;
          if (item.storeId !== storeId) break;
          let step = item.pending ?? this.#o.decide(q.url, item.frame);
          if (isPromise(step)) {
            item.pending = step;
            if (batch.length > 0) break; // commit what is decided before waiting on the network
            step = await step.catch((e: unknown): Step => {
              if (!this.#stopped) this.#o.log.error({ relay: q.url }, `deciding an update failed: ${(e as Error).message}`);
              return { kind: 'stall' };
            });
            item.pending = undefined;
            if (this.#stopped || q.items[0] !== item) break; // stopped, or the queue was cleared meanwhile
          }
          if (step.kind === 'stall') {
            stalled = true;
            break;
          }
          q.items.shift();
          batch.push({ update: step.kind === 'apply' ? step.update : null, seq: item.frame.seq });
        }
        if (this.#stopped) return;
        if (batch.length > 0) this.#commit(q.url, storeId, topic, batch);
        if (stalled) {
          q.retry = setTimeout(() => {
            q.retry = null;
            q.running = true;
            void this.#drain(key, q);
          }, this.#o.retryMs ?? 5000);
          return;
        }
        // Yields between slices so a catch-up burst does not freeze the event loop (IPC, timers, sockets).
        if (q.items.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      q.running = false;
      if (q.items.length === 0 && q.retry === null) this.#queues.delete(key);
      this.#o.idle();
    }
  }

  /** Starts checking the signatures of the next batch of items from `from` that are not being checked yet. */
  #checkAhead(q: Queue, from: number): void {
    const items = q.items.slice(from, from + (this.#o.maxBatch ?? 256)).filter((i) => i.checked === undefined);
    if (items.length === 0) return;
    const checked = this.#o.preverify!(items.map((i) => i.frame));
    for (const i of items) i.checked = checked;
  }

  /** One transaction for the run; if Yjs refuses an update, each is retried alone and a bad one is dropped. */
  #commit(url: string, storeId: StoreId, topic: UpdateFrame['topic'], batch: Decided[]): void {
    const { registry, pool, log } = this.#o;
    const cursor = (seq: number) => ({ relay: url, storeId, topic, seq });
    const last = batch[batch.length - 1]!.seq;
    try {
      registry.remote(batch.flatMap((d) => (d.update === null ? [] : [d.update])), [cursor(last)]);
    } catch {
      for (const d of batch) {
        try {
          registry.remote(d.update === null ? [] : [d.update], [cursor(d.seq)]);
        } catch (e) {
          log.warn({ relay: url, topic: toHex(topic), seq: d.seq }, `dropping an update that does not apply: ${(e as Error).message}`);
          registry.remote([], [cursor(d.seq)]);
        }
      }
    }
    pool.ack(url, topic, last);
  }
}
