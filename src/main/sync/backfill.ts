// The first history backfill of a newly linked device (issue 5): until every doc it follows — the account doc,
// then every chat that doc lists — has been answered by a peer (a step 2 framed by BACKFILL begin/end),
// sync() is not settled, and docs still waiting are asked again every few seconds (own devices first).
// The pending state survives restarts: the link writes LINK_BACKFILL_META, completion removes it.
import type { BackfillProgress } from '../../shared/core-api.js';
import type { BackfillMessage } from '../../shared/docs/backfill-message.js';
import type { ClientDb } from '../db/index.js';
import type { CoreLogger } from './logger.js';

/** meta key: JSON {"done": [doc ids]} while a linked device's first backfill is incomplete. */
export const LINK_BACKFILL_META = 'backfill.link';

export type { BackfillProgress } from '../../shared/core-api.js';

export type BackfillOptions = {
  db: ClientDb;
  log: CoreLogger;
  now(): number;
  /** Ids of the docs this device follows now. */
  followed(): string[];
  /** Sends a step 1 for the doc to one peer on a caught-up relay (again: even if a request is open); false when no relay is ready. */
  request(doc: string, again: boolean): boolean;
  progress(p: BackfillProgress): void;
  /** Period of the re-asking pass (default 1 s). */
  tickMs?: number;
  /** A doc asked this long ago with no answer arriving is asked again (default 8 s). */
  askAgainMs?: number;
};

type DocProgress = { chunks: number; received: number; items: number };

export class Backfill {
  readonly #o: BackfillOptions;
  readonly #done = new Set<string>();
  readonly #answers = new Map<string, DocProgress>();
  /** When each pending doc was last asked, or last heard from. */
  readonly #asked = new Map<string, number>();
  #active = false;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(options: BackfillOptions) {
    this.#o = options;
    const row = options.db.prepare<[string], { value: unknown }>('SELECT value FROM meta WHERE key = ?').get(LINK_BACKFILL_META);
    if (typeof row?.value !== 'string') return;
    this.#active = true;
    try {
      const parsed = JSON.parse(row.value) as { done?: unknown };
      if (Array.isArray(parsed.done)) for (const d of parsed.done) if (typeof d === 'string') this.#done.add(d);
    } catch {
      // A damaged value restarts the backfill from nothing, which only costs a second answer.
    }
  }

  get active(): boolean {
    return this.#active;
  }

  /** Whether the doc still waits for its first complete answer. */
  wants(doc: string): boolean {
    return this.#active && !this.#done.has(doc);
  }

  start(): void {
    if (!this.#active || this.#timer !== null) return;
    this.#timer = setInterval(() => this.#tick(), this.#o.tickMs ?? 1000);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** The doc's topic caught up on a relay: ask now unless a request is recent. */
  caughtUp(doc: string): void {
    if (this.wants(doc)) this.#ask(doc, false);
  }

  /** A BACKFILL begin or end from a peer for the doc. */
  framing(doc: string, m: BackfillMessage): void {
    if (!this.wants(doc)) return;
    this.#asked.set(doc, this.#o.now());
    if (m.phase === 'begin') {
      this.#answers.set(doc, { chunks: m.chunks, received: 0, items: m.items });
      return this.#emit();
    }
    this.#done.add(doc);
    const a = this.#answers.get(doc);
    if (a !== undefined) a.received = a.chunks;
    this.#persist();
  }

  /** A step-2 chunk for the doc was applied. */
  chunk(doc: string): void {
    if (!this.wants(doc)) return;
    this.#asked.set(doc, this.#o.now());
    const a = this.#answers.get(doc);
    if (a === undefined) return;
    a.received = Math.min(a.chunks, a.received + 1);
    this.#emit();
  }

  /** Why sync() must still wait, or null. */
  unsettled(): string | null {
    if (!this.#active) return null;
    const pending = this.#pending();
    if (pending.length === 0) return null;
    const names = pending.slice(0, 3).map((d) => (d === 'account' ? 'the account doc' : `chat ${d.slice(0, 8)}`));
    return `waiting for history from this account's other devices (${pending.length} docs: ${names.join(', ')}${pending.length > 3 ? ', ...' : ''}); is one of them online?`;
  }

  progress(): BackfillProgress {
    let done = 0;
    let total = 0;
    for (const [doc, a] of this.#answers) {
      total += a.items;
      done += this.#done.has(doc) ? a.items : a.chunks === 0 ? 0 : Math.floor((a.items * a.received) / a.chunks);
    }
    const pendingDocs = this.#active ? this.#pending().length : 0;
    return { done, total, pendingDocs, complete: !this.#active };
  }

  #pending(): string[] {
    return this.#o.followed().filter((d) => !this.#done.has(d));
  }

  #ask(doc: string, again: boolean): void {
    const at = this.#asked.get(doc);
    if (at !== undefined && this.#o.now() - at < (again ? (this.#o.askAgainMs ?? 8000) : 1000)) return;
    if (this.#o.request(doc, again)) this.#asked.set(doc, this.#o.now());
  }

  #tick(): void {
    if (!this.#active) return this.stop();
    for (const doc of this.#pending()) this.#ask(doc, true);
  }

  #persist(): void {
    const { db, log } = this.#o;
    if (this.#pending().length === 0) {
      this.#active = false;
      db.prepare<[string]>('DELETE FROM meta WHERE key = ?').run(LINK_BACKFILL_META);
      this.stop();
      log.info({ docs: this.#done.size }, 'first backfill complete');
    } else {
      db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(LINK_BACKFILL_META, JSON.stringify({ done: [...this.#done] }));
    }
    this.#emit();
  }

  #emit(): void {
    this.#o.progress(this.progress());
  }
}
