// Wall time and the main thread's CPU time over a measured section. The bench machines are shared: wall
// time there includes waiting for other processes, the thread's CPU time does not. The core's work runs on
// the main thread (better-sqlite3, sodium, Yjs); V8's GC helper threads are left out, its pauses are not.
import { setTimeout as sleep } from 'node:timers/promises';
import { machineBusySeconds } from '../relay/cpu.js';

/** A figure measured both ways: wall clock and CPU time of the main thread. */
export type Fig = { wall: number; cpu: number };

const threadCpu = (since?: NodeJS.CpuUsage): NodeJS.CpuUsage => process.threadCpuUsage(since);

export type Meter = { stop(): { wallMs: number; cpuMs: number } };

export function meter(): Meter {
  const t0 = performance.now();
  const c0 = threadCpu();
  return {
    stop() {
      const c = threadCpu(c0);
      return { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
    },
  };
}

export type Span = { wallMs: number; cpuMs: number };

export const add = (a: Span, b: Span): Span => ({ wallMs: a.wallMs + b.wallMs, cpuMs: a.cpuMs + b.cpuMs });

/** Microseconds per item. */
export const perItemUs = (s: Span, n: number): Fig => ({ wall: (s.wallMs * 1000) / n, cpu: (s.cpuMs * 1000) / n });

/** Items per second. */
export const rate = (s: Span, n: number): Fig => ({ wall: n / (s.wallMs / 1000), cpu: n / (s.cpuMs / 1000) });

export const ms = (s: Span): Fig => ({ wall: s.wallMs, cpu: s.cpuMs });

/** Times a synchronous section. */
export function timed(fn: () => void): Span {
  const m = meter();
  fn();
  return m.stop();
}

/** Times an asynchronous section. */
export async function timedAsync(fn: () => Promise<void>): Promise<Span> {
  const m = meter();
  await fn();
  return m.stop();
}

/** Waits (bounded by the shared budget) until other processes use less than a quarter of a core; returns
 *  the busy cores seen last, or null when the budget was already spent. */
export async function awaitQuiet(budget: { msLeft: number }, ownCpuSeconds: () => number): Promise<number | null> {
  let busy: number | null = null;
  for (let waited = 0; budget.msLeft > 0 && waited < 20_000; waited += 1000, budget.msLeft -= 1000) {
    const m0 = machineBusySeconds();
    const c0 = ownCpuSeconds();
    await sleep(1000);
    busy = machineBusySeconds() - m0 - (ownCpuSeconds() - c0);
    if (busy < 0.25) break;
  }
  return busy;
}
