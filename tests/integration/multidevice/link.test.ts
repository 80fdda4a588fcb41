// Linking a second device through real cores and a real relay process: the link exchange, the handover, the
// device list, and the first backfill of the account doc and a chat from the first device.
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

describe('linking a device', () => {
  it('hands over the account and backfills contacts, chats, history and read markers from the first device', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(alice, bob);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    await syncAll([alice, bob]);
    for (let i = 0; i < 20; i++) must(await (i % 2 ? bob : alice).core.send(chatId, `m${i}`));
    await syncAll([alice, bob, alice, bob]);
    const last = must(await alice.core.messages(chatId, { limit: 1 }))[0]!;
    must(await alice.core.markRead(chatId, last.id));
    await syncAll([alice]);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { message: 'an empty relay' });

    const laptop = await useLinkedCore(sodium, alice, relay.url, 'laptop');
    expect(laptop.sas).toMatch(/^\d{3} \d{3}$/);
    expect(laptop.accountId).toBe(alice.accountId);
    must(await laptop.core.sync({ timeoutMs: 20_000 }), 'sync of the linked device');

    expect(await texts(laptop, chatId)).toEqual(await texts(alice, chatId));
    expect(must(await laptop.core.contacts()).map((c) => c.accountId)).toEqual([bob.accountId]);
    const chats = must(await laptop.core.chats());
    expect(chats.map((c) => [c.chatId, c.unread])).toEqual([[chatId, 0]]);
    expect(must(await laptop.core.whoami()).name).toBe('Alice');
    expect(lastProgress(laptop)).toEqual({ done: 20, total: 20, pendingDocs: 0, complete: true });
    expect(must(await laptop.core.backfillProgress()).complete).toBe(true);

    const listed = must(await alice.core.devices());
    expect(listed.map((d) => [d.deviceId, d.current])).toEqual([
      [alice.deviceId, true],
      [laptop.deviceId, false],
    ]);
    expect(listed[1]!.name).toBe('laptop');
    expect(listed[1]!.lastSeen).toEqual(expect.any(Number));
    const seenByLaptop = must(await laptop.core.devices());
    expect(seenByLaptop.map((d) => [d.deviceId, d.current])).toEqual([
      [alice.deviceId, false],
      [laptop.deviceId, true],
    ]);

    // Live from now on: Bob's next message reaches both devices, and the relay empties again.
    must(await bob.core.send(chatId, 'after the link'));
    await syncAll([bob]);
    await waitFor(async () => (await texts(laptop, chatId)).includes('after the link') && (await texts(alice, chatId)).includes('after the link'), { timeoutMs: 10_000, message: 'the message on both devices' });
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'an empty relay after the link' });

    // Read on the first device means read on the second.
    expect(must(await laptop.core.chats())[0]!.unread).toBe(1);
    const newest = must(await alice.core.messages(chatId, { limit: 1 }))[0]!;
    must(await alice.core.markRead(chatId, newest.id));
    await waitFor(async () => must(await laptop.core.chats())[0]!.unread === 0, { timeoutMs: 10_000, message: 'the read marker on the second device' });
  });
});
