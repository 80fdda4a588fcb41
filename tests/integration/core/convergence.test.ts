// Targeted sync between real cores: a device whose updates were lost at the relay (TTL passed: GAP; the
// relay lost its store: a new store id) gets the history from a peer device by sync step 1/2.
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { useRelay } from '../helpers/harness.js';
import { makeTempDir, startRelay } from '../helpers/relay-process.js';
import { waitFor } from '../helpers/wait.js';
import { befriend, must, syncAll, texts, useCore } from './cores.js';
import type { TestCore } from './cores.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

async function chatOf(a: TestCore, b: TestCore): Promise<string> {
  await befriend(a, b);
  const { chatId } = must(await a.core.createChat({ with: [b.accountId] }));
  await waitFor(async () => must(await b.core.chats()).some((c) => c.chatId === chatId), { timeoutMs: 10_000, message: 'the invite to arrive' });
  await syncAll([a, b]);
  return chatId;
}

describe('core: convergence', () => {
  it('after a GAP (TTL passed while offline) the history comes from a peer device', async () => {
    const relay = await useRelay({ args: ['--ttl', '1500ms'] });
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const chatId = await chatOf(alice, bob);

    await bob.shutdown();
    for (let i = 0; i < 3; i++) must(await alice.core.send(chatId, `lost at the relay ${i}`));
    await syncAll([alice]);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 15_000, intervalMs: 100, message: 'the TTL to expire the updates' });

    await bob.restart();
    await waitFor(async () => (await texts(bob, chatId)).length === 3, { timeoutMs: 15_000, message: 'Bob to get the history from Alice' });
    expect(await texts(bob, chatId)).toEqual(['lost at the relay 0', 'lost at the relay 1', 'lost at the relay 2']);
    expect(bob.logs.some((l) => l.includes('GAP'))).toBe(true);
  });

  it('after the relay lost its store, a device resyncs from a peer', async () => {
    const first = makeTempDir();
    const second = makeTempDir();
    onTestFinished(() => {
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    });
    let relay = await startRelay({ dataDir: first });
    const port = relay.port;
    onTestFinished(async () => void (await relay.stop(5000)));
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const chatId = await chatOf(alice, bob);

    await bob.shutdown();
    must(await alice.core.send(chatId, 'only Alice has this'));
    await syncAll([alice]);
    await relay.stop();
    relay = await startRelay({ dataDir: second, args: ['--port', String(port)] });
    await syncAll([alice]);

    await bob.restart();
    await waitFor(async () => (await texts(bob, chatId)).includes('only Alice has this'), { timeoutMs: 15_000, message: 'Bob to resync from Alice' });
    must(await bob.core.send(chatId, 'got it'));
    await waitFor(async () => (await texts(alice, chatId)).includes('got it'), { timeoutMs: 10_000, message: 'the chat to work on the new store' });
  });
});
