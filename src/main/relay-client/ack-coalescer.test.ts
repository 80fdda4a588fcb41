import { describe, expect, it } from 'vitest';
import type { TopicId } from '../../shared/ids.js';
import { AckCoalescer, nextAckDelayMs } from './ack-coalescer.js';
import type { Timers } from './ack-coalescer.js';

function manualTimers(): Timers & { fire(): void; armed(): number } {
  const queue = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout(fn) {
      queue.set(next, fn);
      return next++;
    },
    clearTimeout(handle) {
      queue.delete(handle as number);
    },
    fire() {
      const fns = [...queue.values()];
      queue.clear();
      for (const fn of fns) fn();
    },
    armed: () => queue.size,
  };
}

const topicA = new Uint8Array(32).fill(1) as TopicId;
const topicB = new Uint8Array(32).fill(2) as TopicId;

describe('AckCoalescer', () => {
  it('coalesces acks per topic into one frame with the highest seq, after the delay', () => {
    const sent: [number, number][] = [];
    const timers = manualTimers();
    const c = new AckCoalescer((t, s) => (sent.push([t[0]!, s]), true), 20, timers);
    c.ack(topicA, 3);
    c.ack(topicA, 7);
    c.ack(topicA, 5);
    c.ack(topicB, 1);
    expect(sent).toEqual([]);
    expect(timers.armed()).toBe(1);
    timers.fire();
    expect(sent).toEqual([
      [1, 7],
      [2, 1],
    ]);
    expect(c.pendingCount).toBe(0);
  });

  it('drops acks not above what was already sent', () => {
    const sent: number[] = [];
    const timers = manualTimers();
    const c = new AckCoalescer((_t, s) => (sent.push(s), true), 20, timers);
    c.ack(topicA, 9);
    c.flush();
    c.ack(topicA, 9);
    c.ack(topicA, 4);
    expect(timers.armed()).toBe(0);
    c.ack(topicA, 10);
    timers.fire();
    expect(sent).toEqual([9, 10]);
  });

  it('flush() sends at once and cancels the timer', () => {
    const sent: number[] = [];
    const timers = manualTimers();
    const c = new AckCoalescer((_t, s) => (sent.push(s), true), 20, timers);
    c.ack(topicA, 2);
    c.flush();
    expect(sent).toEqual([2]);
    expect(timers.armed()).toBe(0);
  });

  it('sends immediately with a zero delay', () => {
    const sent: number[] = [];
    const c = new AckCoalescer((_t, s) => (sent.push(s), true), 0, manualTimers());
    c.ack(topicA, 1);
    c.ack(topicA, 2);
    expect(sent).toEqual([1, 2]);
  });

  it('keeps acks pending while they cannot be sent, and sends the highest later', () => {
    let connected = false;
    const sent: number[] = [];
    const timers = manualTimers();
    const c = new AckCoalescer((_t, s) => connected && (sent.push(s), true), 20, timers);
    c.ack(topicA, 1);
    timers.fire();
    c.ack(topicA, 6);
    expect(c.pendingCount).toBe(1);
    connected = true;
    c.flush();
    expect(sent).toEqual([6]);
    expect(c.pendingCount).toBe(0);
  });

  it('reset() forgets pending and sent seqs', () => {
    const sent: number[] = [];
    const timers = manualTimers();
    const c = new AckCoalescer((_t, s) => (sent.push(s), true), 20, timers);
    c.ack(topicA, 5);
    c.flush();
    c.ack(topicA, 8);
    c.reset();
    expect(timers.armed()).toBe(0);
    c.ack(topicA, 2);
    c.flush();
    expect(sent).toEqual([5, 2]);
  });

  it('rejects a non-integer seq as a programmer error', () => {
    const c = new AckCoalescer(() => true, 20, manualTimers());
    expect(() => c.ack(topicA, 1.5)).toThrow(RangeError);
  });

  it('spreads each ack window over [1/2, 3/2) of the delay, keeping the mean', () => {
    const delays: number[] = [];
    const timers: Timers = { setTimeout: (_fn, ms) => delays.push(ms), clearTimeout: () => {} };
    for (const r of [0, 0.999, 0.5]) new AckCoalescer(() => true, 200, timers, { random: () => r }).ack(topicA, 1);
    expect(delays[0]).toBe(100);
    expect(delays[1]).toBeCloseTo(299.8, 5);
    expect(delays[2]).toBe(200);
    const spread = Array.from({ length: 1000 }, () => nextAckDelayMs(250, 1000, Number.POSITIVE_INFINITY));
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(125);
    expect(Math.max(...spread)).toBeLessThan(375);
    expect(new Set(spread).size).toBeGreaterThan(900);
  });

  it('keeps flushes an interval apart while acks keep coming, and acks after the delay once quiet', () => {
    const delays: number[] = [];
    const fns: (() => void)[] = [];
    const timers: Timers = { setTimeout: (fn, ms) => (delays.push(ms), fns.push(fn)), clearTimeout: () => {} };
    let now = 10_000;
    const sent: number[] = [];
    const c = new AckCoalescer((_t, s) => (sent.push(s), true), 250, timers, { intervalMs: 1000, random: () => 0.5, now: () => now });
    c.ack(topicA, 1);
    expect(delays).toEqual([250]); // nothing flushed before: the plain delay
    now += 250;
    fns.shift()!();
    expect(sent).toEqual([1]);
    now += 50;
    c.ack(topicA, 2);
    expect(delays[1]).toBe(950); // 1000 ms after the last flush, not 250 ms after this ack
    now += 950;
    fns.shift()!();
    expect(sent).toEqual([1, 2]);
    now += 5_000;
    c.ack(topicB, 7);
    expect(delays[2]).toBe(250); // quiet for longer than the interval
  });
});
