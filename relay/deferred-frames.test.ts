import { describe, expect, it } from 'vitest';
import { DeferredFrames } from './deferred-frames.js';

function holder(log: string[], name: string) {
  return { flushDeferred: () => log.push(name) };
}

describe('DeferredFrames', () => {
  it('flushes every holding connection once its delay has passed', async () => {
    const log: string[] = [];
    const d = new DeferredFrames(20);
    const started = performance.now();
    expect(d.hold(holder(log, 'a'))).toBe(true);
    expect(d.hold(holder(log, 'b'))).toBe(true);
    expect(log).toEqual([]);
    await expect.poll(() => log.length, { timeout: 2000, interval: 5 }).toBe(2);
    expect(log).toEqual(['a', 'b']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('flush() writes at once and arms a new timer for later holders', async () => {
    const log: string[] = [];
    const d = new DeferredFrames(10_000);
    d.hold(holder(log, 'a'));
    d.flush();
    expect(log).toEqual(['a']);
    d.flush();
    expect(log).toEqual(['a']);
    d.hold(holder(log, 'b'));
    d.flush();
    expect(log).toEqual(['a', 'b']);
  });

  it('with a delay of 0 holds nothing', () => {
    const log: string[] = [];
    const d = new DeferredFrames(0);
    expect(d.hold(holder(log, 'a'))).toBe(false);
    d.flush();
    expect(log).toEqual([]);
  });
});
