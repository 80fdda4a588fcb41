import { beforeAll, describe, expect, it } from 'vitest';
import { deriveCapability } from '../../shared/crypto/capability.js';
import type { TopicCapability } from '../../shared/crypto/capability.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import type { TopicId } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import { err, ok } from '../../shared/result.js';
import { loadSodium } from '../crypto/index.js';
import { openClientDb } from '../db/index.js';
import { addPendingCloses, closePending, pendingCloses } from './pending-closes.js';
import type { CloseDeps } from './pending-closes.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium('native');
});

/** A relay connection that can be down (not open) or failing; it records the topics it closed. */
function fakeRelay() {
  const relay = { isOpen: false, failing: false, proven: new Set<string>(), closed: [] as string[] };
  const client = {
    get isOpen() {
      return relay.isOpen;
    },
    openTopic: async (cap: TopicCapability) => {
      relay.proven.add(toHex(cap.topic));
      return ok(cap.topic);
    },
    closeTopic: async (topic: TopicId) => {
      if (relay.failing) return err('DISCONNECTED', 'the connection dropped');
      if (!relay.proven.has(toHex(topic))) return err('NO_CAPABILITY', 'not proven');
      relay.closed.push(toHex(topic));
      return ok(undefined);
    },
  };
  return { relay, client };
}

describe('pending closes of a revocation', () => {
  it('keeps a close owed while its relay is down or failing and sends it once the relay is open again', async () => {
    const db = openClientDb(':memory:');
    const a = fakeRelay();
    const b = fakeRelay();
    b.relay.isOpen = true;
    const warnings: string[] = [];
    const deps: CloseDeps = {
      db,
      sodium,
      log: { warn: (_o: object, m: string) => warnings.push(m), info: () => undefined, error: () => undefined, debug: () => undefined } as unknown as CloseDeps['log'],
      engine: { stopped: false, pool: { get: (url: string) => (url === 'a' ? a : url === 'b' ? b : undefined) } },
    };
    const chat = deriveCapability(sodium, randomBytes(32));
    const inbox = deriveCapability(sodium, randomBytes(32), 'inbox');
    addPendingCloses(db, [
      { url: 'a', capability: chat, flags: 0 },
      { url: 'b', capability: chat, flags: 0 },
      { url: 'a', capability: inbox, flags: 0x01 },
    ]);
    addPendingCloses(db, [{ url: 'a', capability: chat, flags: 0 }]); // idempotent
    expect(pendingCloses(db)).toHaveLength(3);

    // During the revocation: a is down, b is up.
    await closePending(deps);
    expect(b.relay.closed).toEqual([toHex(chat.topic)]);
    expect(pendingCloses(db).map((r) => r.url)).toEqual(['a', 'a']);

    // a comes back but fails the request: still owed, with a warning.
    a.relay.isOpen = true;
    a.relay.failing = true;
    await closePending(deps, 'a');
    expect(pendingCloses(db)).toHaveLength(2);
    expect(warnings.some((w) => w.includes('closing an old topic failed'))).toBe(true);

    // a is open and answers: both closes go through (the capability proven again from the stored key), none owed.
    a.relay.failing = false;
    await closePending(deps, 'a');
    expect(a.relay.closed.sort()).toEqual([toHex(chat.topic), toHex(inbox.topic)].sort());
    expect(pendingCloses(db)).toEqual([]);
    db.close();
  });
});
