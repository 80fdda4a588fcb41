import { describe, expect, it } from 'vitest';
import type { TopicId } from '../../shared/ids.js';
import { AckCoalescer } from './ack-coalescer.js';
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
});
