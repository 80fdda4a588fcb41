// What sync() waits for: every relay that has followed topics or outbox rows is connected, every topic
// there reported CAUGHT_UP since its last subscribe, every ack was confirmed by ACKED, the outbox is
// empty and no inbound update is still being applied. Topics learned meanwhile join the check.
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import type { OutboxStore } from './outbox-store.js';
import type { RelayPool } from './relay-pool.js';

export type WaiterOptions = {
  pool: RelayPool;
  outbox: OutboxStore;
  /** True while inbound updates are being decided or applied. */
  busy(): boolean;
  /** Another reason to wait (a linked device's first backfill), or null. */
  pending?(): string | null;
  /** Outbox rows a relay refused for good (they stay queued): sync() then fails at once with the first one's reason. */
  refusals?(): readonly { relay: string; code: string; message: string }[];
  /** Re-check period besides notify() (default 100 ms). */
  pollMs?: number;
};

type Check = { settled: boolean; topics: number; reason: string; unreachable: string[] };

export class SyncWaiter {
  readonly #o: WaiterOptions;
  readonly #wakers = new Set<() => void>();

  constructor(options: WaiterOptions) {
    this.#o = options;
  }

  /** Something changed: pending waits check again. */
  notify(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  stop(): void {
    this.notify();
  }

  async wait(timeoutMs: number): Promise<Result<number, 'RELAY_UNREACHABLE' | 'TIMEOUT' | 'TOO_LARGE' | 'INTERNAL'>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const refused = this.#o.refusals?.() ?? [];
      if (refused.length > 0) {
        const first = refused[0]!;
        const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : '';
        const code = first.code === 'FRAME_TOO_LARGE' ? 'TOO_LARGE' : 'INTERNAL';
        return err(code, `relay ${first.relay} refused a queued update for good${more}: ${first.code} ${first.message}; it stays in the outbox`);
      }
      const c = this.#check();
      if (c.settled) return ok(c.topics);
      const left = deadline - Date.now();
      if (left <= 0) {
        if (c.unreachable.length > 0) return err('RELAY_UNREACHABLE', `relay ${c.unreachable.join(', ')} could not be reached within ${timeoutMs} ms`);
        return err('TIMEOUT', `not in sync after ${timeoutMs} ms: ${c.reason}`);
      }
      await this.#sleep(Math.min(left, this.#o.pollMs ?? 100));
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }

  #check(): Check {
    const { pool, outbox } = this.#o;
    const urls = new Set(outbox.relays());
    let topics = 0;
    for (const e of pool.entries()) {
      if (e.topics.size > 0) urls.add(e.url);
      topics += e.topics.size;
    }
    const reasons: string[] = [];
    const unreachable: string[] = [];
    for (const url of urls) {
      const e = pool.ensure(url);
      const why = pool.unsettled(url);
      if (why === null) continue;
      reasons.push(`${url}: ${why}`);
      if (!e.connected) unreachable.push(e.lastError === null ? url : `${url} (${e.lastError})`);
    }
    const queued = outbox.count();
    if (queued > 0) reasons.push(`${queued} outbox entries`);
    if (this.#o.busy()) reasons.push('inbound updates being applied');
    const pending = this.#o.pending?.() ?? null;
    if (pending !== null) reasons.push(pending);
    return { settled: reasons.length === 0, topics, reason: reasons.join('; '), unreachable };
  }
}
