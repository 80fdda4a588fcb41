// Background compaction of doc update logs: once a doc has appended a run's worth of rows, one bounded
// run (createDocLog.compact with maxRuns 1) is merged per macrotask, so no single step blocks for long.
import { DEFAULT_COMPACT_ROWS } from '../db/index.js';
import type { DocLog } from '../db/index.js';
import type { CoreLogger } from './logger.js';

export class Compactor {
  readonly #log: DocLog;
  readonly #logger: CoreLogger;
  readonly #rows: number;
  /** Rows appended per doc since its last compaction run (an estimate of what is uncompacted). */
  readonly #pending = new Map<string, number>();
  readonly #queue = new Set<string>();
  #scheduled: ReturnType<typeof setImmediate> | null = null;
  #stopped = false;

  constructor(log: DocLog, logger: CoreLogger, rows = DEFAULT_COMPACT_ROWS) {
    this.#log = log;
    this.#logger = logger;
    this.#rows = rows;
  }

  /** Counts rows appended to a doc's log; queues a run when a full one is waiting. */
  note(doc: string, appended: number): void {
    const n = (this.#pending.get(doc) ?? 0) + appended;
    this.#pending.set(doc, n);
    if (n >= this.#rows) this.#enqueue(doc);
  }

  forget(doc: string): void {
    this.#pending.delete(doc);
    this.#queue.delete(doc);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#scheduled !== null) clearImmediate(this.#scheduled);
    this.#scheduled = null;
  }

  #enqueue(doc: string): void {
    this.#queue.add(doc);
    if (this.#scheduled === null && !this.#stopped) this.#scheduled = setImmediate(() => this.#step());
  }

  #step(): void {
    this.#scheduled = null;
    const doc = this.#queue.values().next().value;
    if (doc === undefined || this.#stopped) return;
    this.#queue.delete(doc);
    try {
      const r = this.#log.compact(doc, this.#rows, { maxRuns: 1 });
      const left = Math.max(0, (this.#pending.get(doc) ?? 0) - this.#rows);
      this.#pending.set(doc, left);
      if (r.runs > 0 && left >= this.#rows) this.#queue.add(doc);
    } catch (e) {
      this.#logger.warn({ doc }, `compaction failed: ${(e as Error).message}`);
    }
    if (this.#queue.size > 0) this.#scheduled = setImmediate(() => this.#step());
  }
}
