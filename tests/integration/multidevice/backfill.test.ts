// Issue 5's integration test: 1,000 messages that the relay no longer holds reach a device linked afterwards,
// from the account's first device, and from then on the relay keeps messages only until both devices have them.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { befriend, must, syncAll, useCore } from '../core/cores.js';
import { useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { lastProgress, texts, useLinkedCore } from './linked.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const TOTAL = 1000;

describe('full-history backfill of a linked device', () => {
  it('gets 1,000 messages the relay deleted, Bob, the chat and read markers from the first device', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(alice, bob);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId], title: 'plans' }));
    await syncAll([alice, bob]);
    for (let i = 0; i < TOTAL; i++) must(await (i % 2 ? bob : alice).core.send(chatId, `message ${i}`));
    await syncAll([alice, bob, alice, bob], 30_000);
    expect(await texts(alice, chatId)).toHaveLength(TOTAL);
    expect(await texts(bob, chatId)).toHaveLength(TOTAL);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'the relay to hold no update' });

    // Alice reads up to message 900 on her first device.
    const page = must(await alice.core.messages(chatId, { limit: 100 }));
    must(await alice.core.markRead(chatId, page[0]!.id));
    await syncAll([alice]);
    const unreadOnFirst = must(await alice.core.chats())[0]!.unread;
    // Bob's messages after the marker in the chat's order; sends faster than one per millisecond make the two
    // devices' send times tie, and ties are ordered by message id, so this is about 50, not always 50.
    expect(unreadOnFirst).toBe(page.slice(1).filter((m) => m.author === bob.accountId).length);
    expect(unreadOnFirst).toBeGreaterThan(40);

    const laptop = await useLinkedCore(sodium, alice, relay.url, 'laptop');
    const started = Date.now();
    must(await laptop.core.sync({ timeoutMs: 30_000 }), 'first sync of the linked device');
    const backfillMs = Date.now() - started;

    expect(await texts(laptop, chatId)).toEqual(await texts(alice, chatId));
    expect(must(await laptop.core.contacts()).map((c) => [c.accountId, c.name])).toEqual([[bob.accountId, 'Bob']]);
    const [chat] = must(await laptop.core.chats());
    expect(chat).toMatchObject({ chatId, title: 'plans', members: [alice.accountId, bob.accountId], unread: unreadOnFirst });
    const progress = lastProgress(laptop)!;
    expect(progress).toEqual({ done: TOTAL, total: TOTAL, pendingDocs: 0, complete: true });
    expect(laptop.events.backfill.some((p) => p.pendingDocs > 0)).toBe(true);
    expect(backfillMs).toBeLessThan(20_000);

    // A new message from Bob reaches both of Alice's devices, and the relay empties again.
    must(await bob.core.send(chatId, 'welcome, laptop'));
    await syncAll([bob]);
    await waitFor(async () => (await texts(laptop, chatId, 1)).includes('welcome, laptop') && (await texts(alice, chatId, 1)).includes('welcome, laptop'), {
      timeoutMs: 10_000,
      message: "Bob's message on both devices",
    });
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'the relay to empty again' });

    // Read markers keep following the first device.
    const newest = must(await alice.core.messages(chatId, { limit: 1 }))[0]!;
    must(await alice.core.markRead(chatId, newest.id));
    await waitFor(async () => must(await laptop.core.chats())[0]!.unread === 0, { timeoutMs: 10_000, message: 'the read marker on the laptop' });

    // Bob learns Alice's new device list and registers the laptop on their chat himself.
    await bob.core.refreshContacts();
    expect(bob.logs.some((l) => l.includes('a device list gained devices'))).toBe(true);
  }, 60_000);
});
