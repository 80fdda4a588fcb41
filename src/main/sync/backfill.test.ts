import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempClientDb } from '../db/test-db.js';
import type { ClientDb } from '../db/index.js';
import { Backfill, LINK_BACKFILL_META } from './backfill.js';
import type { BackfillProgress } from './backfill.js';
import { silentLogger } from './logger.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(followed: string[], active = true, time = { now: 0 }) {
  const t = tempClientDb();
  cleanups.push(t.cleanup);
  if (active) t.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(LINK_BACKFILL_META, JSON.stringify({ done: [] }));
  return build(t.db, followed, time);
}

function build(db: ClientDb, followed: string[], time = { now: 0 }) {
  const asked: [string, boolean][] = [];
  const progress: BackfillProgress[] = [];
  const b = new Backfill({ db, log: silentLogger, now: () => time.now, followed: () => followed, request: (doc, again) => (asked.push([doc, again]), true), progress: (p) => progress.push(p) });
  return { b, db, asked, progress, time, followed };
}

const meta = (db: ClientDb) => db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(LINK_BACKFILL_META)?.value;

describe('first backfill', () => {
  it('is inactive without the link mark: nothing waits, nothing is asked', () => {
    const s = setup(['account'], false);
    expect(s.b.active).toBe(false);
    expect(s.b.wants('account')).toBe(false);
    s.b.caughtUp('account');
    expect(s.asked).toEqual([]);
    expect(s.b.unsettled()).toBeNull();
    expect(s.b.progress()).toEqual({ done: 0, total: 0, pendingDocs: 0, complete: true });
  });

  it('waits for every followed doc, counts chunk progress, and completes (persisted) after the last END', () => {
    const s = setup(['account']);
    expect(s.b.unsettled()).toMatch(/the account doc/);
    s.b.caughtUp('account');
    s.b.caughtUp('account');
    expect(s.asked).toEqual([['account', false]]);
    s.b.framing('account', { phase: 'begin', chunks: 1, items: 0 });
    s.b.chunk('account');
    // The account doc's answer made two chats known before its END.
    s.followed.push('c1', 'c2');
    s.b.framing('account', { phase: 'end' });
    expect(JSON.parse(meta(s.db)!)).toEqual({ done: ['account'] });
    expect(s.b.unsettled()).toMatch(/2 docs/);
    s.b.framing('c1', { phase: 'begin', chunks: 4, items: 100 });
    s.b.chunk('c1');
    expect(s.progress.at(-1)).toEqual({ done: 25, total: 100, pendingDocs: 2, complete: false });
    s.b.framing('c1', { phase: 'end' });
    s.b.framing('c2', { phase: 'begin', chunks: 1, items: 10 });
    s.b.framing('c2', { phase: 'end' });
    expect(s.progress.at(-1)).toEqual({ done: 110, total: 110, pendingDocs: 0, complete: true });
    expect(s.b.active).toBe(false);
    expect(s.b.unsettled()).toBeNull();
    expect(meta(s.db)).toBeUndefined();
  });

  it('resumes after a restart with the docs already done', () => {
    const s = setup(['account', 'c1']);
    s.b.framing('account', { phase: 'end' });
    const again = build(s.db, ['account', 'c1']);
    expect(again.b.wants('account')).toBe(false);
    expect(again.b.wants('c1')).toBe(true);
  });

  it('asks a pending doc again when its peer stays quiet, but not while an answer is arriving', () => {
    vi.useFakeTimers();
    try {
      const time = { now: 0 };
      const s = setup(['account'], true, time);
      s.b.start();
      s.b.caughtUp('account');
      const step = (ms: number) => {
        time.now += ms;
        vi.advanceTimersByTime(ms);
      };
      step(5000);
      expect(s.asked).toEqual([['account', false]]);
      step(4000);
      expect(s.asked).toEqual([['account', false], ['account', true]]);
      s.b.framing('account', { phase: 'begin', chunks: 3, items: 0 });
      for (let i = 0; i < 3; i++) {
        step(6000);
        s.b.chunk('account');
      }
      expect(s.asked).toHaveLength(2);
      s.b.framing('account', { phase: 'end' });
      step(20_000);
      expect(s.asked).toHaveLength(2);
      s.b.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
