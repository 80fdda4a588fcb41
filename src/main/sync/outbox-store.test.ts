import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempClientDb } from '../db/test-db.js';
import { createOutboxStore } from './outbox-store.js';
import type { OutboxStore } from './outbox-store.js';

const TOPIC = new Uint8Array(32).fill(3);
const CHAT = 'c'.repeat(32);

describe('outbox store', () => {
  let t: ReturnType<typeof tempClientDb>;
  let o: OutboxStore;
  beforeEach(() => {
    t = tempClientDb();
    o = createOutboxStore(t.db);
  });
  afterEach(() => t.cleanup());

  const add = (relay: string, messageId: string | null) => o.add({ relay, topic: TOPIC, doc: CHAT, envelope: new Uint8Array([1]), messageIds: messageId === null ? [] : [messageId], createdAt: 1 });

  it('queued → sent on PUBLISHED (per relay) → delivered on a cumulative DELIVERED', () => {
    const a1 = add('ws://a', 'm1');
    const b1 = add('ws://b', 'm1');
    const a2 = add('ws://a', 'm2');
    expect(o.count()).toBe(3);
    expect(o.relays().sort()).toEqual(['ws://a', 'ws://b']);
    expect(o.states(CHAT, ['m1', 'm2', 'other'])).toEqual(new Map([['m1', 'queued'], ['m2', 'queued']]));
    o.published(a1, CHAT, 10);
    expect(o.states(CHAT, ['m1']).get('m1')).toBe('sent');
    o.published(a2, CHAT, 11);
    o.published(b1, CHAT, 4);
    expect(o.count()).toBe(0);
    expect(o.delivered('ws://a', CHAT, 10)).toEqual(['m1']);
    expect(o.delivered('ws://a', CHAT, 10)).toEqual([]);
    expect(o.states(CHAT, ['m1', 'm2'])).toEqual(new Map([['m1', 'delivered'], ['m2', 'sent']]));
    expect(o.delivered('ws://a', CHAT, 50)).toEqual(['m2']);
  });

  it('one envelope for several messages (a grouped commit): all queued, all sent on its PUBLISHED', () => {
    const a = o.add({ relay: 'ws://a', topic: TOPIC, doc: CHAT, envelope: new Uint8Array([1]), messageIds: ['m1', 'm2', 'm3'], createdAt: 1 });
    const b = o.add({ relay: 'ws://b', topic: TOPIC, doc: CHAT, envelope: new Uint8Array([1]), messageIds: ['m1', 'm2', 'm3'], createdAt: 1 });
    expect(o.next('ws://a', 0, 10).map((r) => r.messageIds)).toEqual([['m1', 'm2', 'm3']]);
    expect(o.states(CHAT, ['m2', 'm3', 'x'])).toEqual(new Map([['m2', 'queued'], ['m3', 'queued']]));
    expect(o.published(a, CHAT, 5)).toEqual(['m1', 'm2', 'm3']);
    expect(o.states(CHAT, ['m1', 'm3'])).toEqual(new Map([['m1', 'sent'], ['m3', 'sent']]));
    o.removeDoc(CHAT);
    expect(o.next('ws://b', 0, 10)).toEqual([]);
    expect(o.published(b, CHAT, 6)).toEqual([]);
    expect(t.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    expect(o.delivered('ws://a', CHAT, 5).sort()).toEqual(['m1', 'm2', 'm3']);
  });

  it('pages a relay in id order and drops a doc', () => {
    const ids = [add('ws://a', null), add('ws://a', null), add('ws://b', null)];
    expect(o.next('ws://a', 0, 1).map((r) => r.id)).toEqual([ids[0]]);
    expect(o.next('ws://a', ids[0]!, 10).map((r) => r.id)).toEqual([ids[1]]);
    o.removeDoc(CHAT);
    expect(o.count()).toBe(0);
  });
});
