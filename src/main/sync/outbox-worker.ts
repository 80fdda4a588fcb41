// Publishes outbox rows, per relay, once that relay is connected and the row's topic is ready there (proven,
// registered, subscribed: registering the members first keeps the relay from deleting an update nobody
// else is registered for). A row leaves only on PUBLISHED; transient refusals retry with backoff. A row a relay can
// never take (its frame is over that relay's limit) stays queued, is not sent there again in this run, and makes
// sync() fail with the relay's reason: a message is never dropped while sync reports success.
import { toHex } from '../../shared/ids.js';
import type { TopicId } from '../../shared/ids.js';
import type { ClientDb } from '../db/open.js';
import type { DocRegistry } from './doc-registry.js';
import type { CoreLogger } from './logger.js';
import type { OutboxRow, OutboxStore } from './outbox-store.js';
import type { RelayPool } from './relay-pool.js';

export type OutboxWorkerOptions = {
  db: ClientDb;
  outbox: OutboxStore;
  registry: DocRegistry;
  pool: RelayPool;
  log: CoreLogger;
  /** After rows were published: their chats' message ids now have a delivery state. */
  published(messages: Map<string, string[]>): void;
  /** Rows per round of pipelined publishes (default 64). */
  batch?: number;
  /** A publish was refused with TOPIC_CLOSED (a key epoch moved the topic). The row stays and is retried with
   *  backoff: the hook may replace it (removing it in the transaction that writes its successor). */
  closed?(url: string, row: OutboxRow): void;
};

/** Errors that can never turn into PUBLISHED for the same bytes. */
const FATAL = new Set(['FRAME_TOO_LARGE', 'MALFORMED', 'UNSUPPORTED_VERSION']);
/** The socket is gone: the next 'open' kicks the worker again. */
const OFFLINE = new Set(['NOT_CONNECTED', 'DISCONNECTED', 'CLOSED']);

type RelayState = { running: boolean; again: boolean; retry: ReturnType<typeof setTimeout> | null; retryMs: number };
/** A row a relay refused for good (FATAL), kept queued. */
export type Refusal = { relay: string; doc: string; code: string; message: string };

export class OutboxWorker {
  readonly #o: OutboxWorkerOptions;
  readonly #relays = new Map<string, RelayState>();
  /** By outbox row id. */
  readonly #refused = new Map<number, Refusal>();
  #stopped = false;

  constructor(options: OutboxWorkerOptions) {
    this.#o = options;
  }

  /** Publishes what the relay can take now; safe to call often. */
  kick(url: string): void {
    if (this.#stopped) return;
    let s = this.#relays.get(url);
    if (s === undefined) this.#relays.set(url, (s = { running: false, again: false, retry: null, retryMs: 1000 }));
    if (s.running) {
      s.again = true;
      return;
    }
    void this.#run(url, s);
  }

  kickAll(): void {
    for (const url of this.#o.outbox.relays()) {
      this.#o.pool.ensure(url);
      this.kick(url);
    }
  }

  /** Rows a relay refused for good and that are still queued; the first one stands for them in sync() errors. */
  refusals(): Refusal[] {
    for (const id of this.#refused.keys()) if (!this.#o.outbox.has(id)) this.#refused.delete(id);
    return [...this.#refused.values()];
  }

  stop(): void {
    this.#stopped = true;
    for (const s of this.#relays.values()) if (s.retry !== null) clearTimeout(s.retry);
  }

  async #run(url: string, s: RelayState): Promise<void> {
    s.running = true;
    try {
      do {
        s.again = false;
        const outcome = await this.#pass(url);
        if (outcome === 'retry') this.#scheduleRetry(url, s);
        else if (outcome === 'done') s.retryMs = 1000;
      } while (s.again && !this.#stopped);
    } catch (e) {
      if (!this.#stopped) this.#o.log.error({ relay: url }, `outbox pass failed: ${(e as Error).message}`);
    } finally {
      s.running = false;
    }
  }

  /** One pass over the relay's rows; 'retry' when some were refused for a reason that may pass. */
  async #pass(url: string): Promise<'done' | 'offline' | 'retry'> {
    const { outbox, registry, pool, db, log } = this.#o;
    const entry = pool.ensure(url);
    let after = 0;
    let retry = false;
    for (;;) {
      if (!entry.connected || this.#stopped) return 'offline';
      const rows = outbox.next(url, after, this.#o.batch ?? 64);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      // A row for a topic of ours waits until the topic is ready; others (a contact's inbox) go at once.
      const sendable = rows.filter((r) => {
        if (this.#refused.get(r.id)?.relay === url) return false;
        const hex = toHex(r.topic);
        return registry.byTopic(hex) === null ? !pool.follows(url, hex) : pool.isReady(url, hex);
      });
      const results = await Promise.all(sendable.map((r) => entry.client.publish(r.topic as TopicId, r.envelope)));
      if (this.#stopped) return 'offline';
      const done: { row: OutboxRow; seq: number }[] = [];
      let offline = false;
      results.forEach((r, i) => {
        const row = sendable[i]!;
        if (r.ok) return void done.push({ row, seq: r.value });
        if (OFFLINE.has(r.code)) offline = true;
        else if (r.code === 'TOPIC_CLOSED') {
          this.#o.closed?.(url, row);
          retry = true;
        } else if (FATAL.has(r.code)) {
          log.error({ relay: url, doc: row.doc }, `the relay can never take this outbox entry, which stays queued: ${r.code} ${r.message}`);
          this.#refused.set(row.id, { relay: url, doc: row.doc, code: r.code, message: r.message });
        } else {
          log.warn({ relay: url, doc: row.doc, code: r.code }, `publish refused, retrying later: ${r.message}`);
          retry = true;
        }
      });
      if (done.length > 0) this.#record(db, done);
      if (offline) return 'offline';
    }
    return retry ? 'retry' : 'done';
  }

  #record(db: ClientDb, done: { row: OutboxRow; seq: number }[]): void {
    const { outbox, registry } = this.#o;
    const messages = new Map<string, string[]>();
    db.transaction(() => {
      for (const { row, seq } of done) {
        const chat = registry.spec(row.doc)?.kind === 'chat' ? row.doc : null;
        const ids = outbox.published(row.id, chat, seq);
        if (chat === null || ids.length === 0) continue;
        const list = messages.get(chat);
        if (list === undefined) messages.set(chat, ids);
        else list.push(...ids);
      }
    })();
    this.#o.published(messages);
  }

  #scheduleRetry(url: string, s: RelayState): void {
    if (s.retry !== null || this.#stopped) return;
    s.retry = setTimeout(() => {
      s.retry = null;
      this.kick(url);
    }, s.retryMs);
    s.retryMs = Math.min(s.retryMs * 2, 60_000);
  }
}
