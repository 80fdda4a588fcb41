// A device the relay unregisters at quota while it is online (its cursor was the oldest) gets GAP and its
// subscription ends: it must get the missing range from a peer and subscribe again, or it would go deaf.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { befriend, must, syncAll, texts, useCore } from './cores.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('core: quota eviction of an online device', () => {
  it('an evicted online device resyncs from a peer and keeps receiving live messages', async () => {
    const relay = await useRelay({ args: ['--topic-quota-bytes', '4096'] });
    const alice = await useCore(sodium, [relay.url], 'Alice');
    // Bob holds his acks back, so his cursor stays the oldest while he is online.
    const bob = await useCore(sodium, [relay.url], 'Bob', { relayClientOptions: { reconnect: { baseMs: 50, maxMs: 500 }, ackDelayMs: 600_000 } });
    await befriend(alice, bob);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    await waitFor(async () => must(await bob.core.chats()).some((c) => c.chatId === chatId), { timeoutMs: 10_000, message: 'the invite to arrive' });

    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      sent.push(`burst ${i}`);
      must(await alice.core.send(chatId, `burst ${i}`));
    }
    await syncAll([alice]);
    await waitFor(() => relay.stderr().includes('unregistered the device with the oldest cursor'), { timeoutMs: 10_000, message: 'the relay to evict Bob at quota' });
    await waitFor(async () => (await texts(bob, chatId)).length === sent.length, { timeoutMs: 15_000, message: 'Bob to get the whole burst (the evicted range from Alice)' });

    must(await alice.core.send(chatId, 'after the eviction'));
    await waitFor(async () => (await texts(bob, chatId)).includes('after the eviction'), { timeoutMs: 10_000, message: 'Bob to keep receiving live messages' });
    expect(await texts(bob, chatId)).toEqual([...sent, 'after the eviction']);
  });
});
