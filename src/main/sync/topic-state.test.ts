import { describe, expect, it } from 'vitest';
import type { TopicCapability } from '../../shared/crypto/capability.js';
import type { TopicId } from '../../shared/ids.js';
import * as ts from './topic-state.js';

const spec = { topic: new Uint8Array(32) as TopicId, hex: '00'.repeat(32), capability: {} as TopicCapability, flags: 0, devices: () => [] };

describe('topic state', () => {
  it('a first backfill asks for history only when the backlog does not start at seq 1', () => {
    const t = ts.newTopicState(spec);
    ts.beforeSubscribe(t, 0, 'none');
    ts.updateSeen(t, 1);
    expect(ts.caughtUp(t, 5)).toBe(false);
    ts.beforeSubscribe(t, 0, 'none');
    ts.updateSeen(t, 4);
    expect(ts.caughtUp(t, 5)).toBe(true);
    ts.beforeSubscribe(t, 0, 'none');
    expect(ts.caughtUp(t, 0)).toBe(false);
    ts.beforeSubscribe(t, 0, 'none');
    expect(ts.caughtUp(t, 3)).toBe(true);
  });

  it('a cursor voided by a new store always asks; a known cursor never does', () => {
    const t = ts.newTopicState(spec);
    ts.beforeSubscribe(t, 0, 'other');
    ts.updateSeen(t, 1);
    expect(ts.caughtUp(t, 1)).toBe(true);
    ts.beforeSubscribe(t, 7, 'this');
    ts.updateSeen(t, 9);
    expect(ts.caughtUp(t, 9)).toBe(false);
  });

  it('settles once ready, caught up and every ack confirmed', () => {
    const t = ts.newTopicState(spec);
    expect(ts.unsettledReason(t)).toMatch(/not caught up/);
    t.ready = true;
    ts.caughtUp(t, 0);
    expect(ts.unsettledReason(t)).toBeNull();
    ts.ackSent(t, 3);
    expect(ts.unsettledReason(t)).toMatch(/not confirmed/);
    ts.ackConfirmed(t, 2);
    expect(ts.unsettledReason(t)).not.toBeNull();
    ts.ackConfirmed(t, 3);
    expect(ts.unsettledReason(t)).toBeNull();
    ts.ackSent(t, 5);
    ts.disconnected(t);
    ts.reconnected(t, false);
    expect(t.ackConfirmed).toBe(5);
    ts.reconnected(t, true);
    expect([t.ackSent, t.ackConfirmed]).toEqual([0, 0]);
  });
});
