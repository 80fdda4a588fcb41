import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCursorStore } from './cursors.js';
import { createRecordCache } from './records.js';
import { tempClientDb } from './test-db.js';

const R1 = 'wss://relay-1.example';
const R2 = 'wss://relay-2.example';
const S1 = new Uint8Array(16).fill(1);
const S2 = new Uint8Array(16).fill(2);
const T1 = new Uint8Array(32).fill(0xa1);
const T2 = new Uint8Array(32).fill(0xa2);

describe('cursors and cached records', () => {
  let t: ReturnType<typeof tempClientDb>;
  beforeEach(() => {
    t = tempClientDb();
  });
  afterEach(() => t.cleanup());

  it('keeps a cursor per (relay, store id, topic) that only advances', () => {
    const c = createCursorStore(t.db);
    expect(c.get(R1, S1, T1)).toBe(0);
    c.advance(R1, S1, T1, 5);
    c.advance(R1, S1, T1, 3);
    c.advance(R1, S1, T2, 9);
    c.advance(R1, S2, T1, 1);
    c.advance(R2, S1, T1, 2);
    expect(c.get(R1, S1, T1)).toBe(5);
    expect(c.get(R1, S2, T1)).toBe(1);
    expect(c.get(R2, S1, T1)).toBe(2);
    expect(c.list(R1, S1)).toEqual([
      { topic: T1, cursor: 5 },
      { topic: T2, cursor: 9 },
    ]);
    c.set(R1, S1, T1, 2);
    expect(c.get(R1, S1, T1)).toBe(2);
    expect(() => c.advance(R1, S1, T1, -1)).toThrow(/non-negative/);
    c.removeTopic(T1);
    expect([c.get(R1, S1, T1), c.get(R1, S2, T1), c.get(R2, S1, T1), c.get(R1, S1, T2)]).toEqual([0, 0, 0, 9]);
  });

  it('advances in the caller’s transaction: a rollback leaves the cursor', () => {
    const c = createCursorStore(t.db);
    c.advance(R1, S1, T1, 4);
    expect(() =>
      t.db.transaction(() => {
        c.advance(R1, S1, T1, 8);
        throw new Error('persisting the update failed');
      })(),
    ).toThrow(/persisting/);
    expect(c.get(R1, S1, T1)).toBe(4);
  });

  it('caches the highest record version seen', () => {
    const r = createRecordCache(t.db);
    const account = new Uint8Array(32).fill(3);
    expect(r.get(1, account)).toBeNull();
    expect(r.put(1, account, 2, new Uint8Array([2]), 100)).toBe(true);
    expect(r.put(1, account, 1, new Uint8Array([1]), 200)).toBe(false);
    expect(r.get(1, account)).toEqual({ version: 2, bytes: new Uint8Array([2]), fetchedAt: 100 });
    r.touch(1, account, 300);
    expect(r.put(2, account, 1, new Uint8Array([9]), 50)).toBe(true);
    expect(r.put(1, account, 3, new Uint8Array([3]), 400)).toBe(true);
    expect(r.get(1, account)).toEqual({ version: 3, bytes: new Uint8Array([3]), fetchedAt: 400 });
    r.remove(1, account);
    expect(r.get(1, account)).toBeNull();
    expect(r.get(2, account)?.version).toBe(1);
  });
});
