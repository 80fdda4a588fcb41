// Offline behaviour with real cores and a real relay process: sends queue while the relay is down and
// flush when it is back (SIGTERM and SIGKILL restarts), a restarted core keeps its history, both sides
// offline at different times, sync() naming an unreachable relay.
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { useRelay } from '../helpers/harness.js';
import { makeTempDir, startRelay } from '../helpers/relay-process.js';
import type { RelayProcess } from '../helpers/relay-process.js';
import { waitFor } from '../helpers/wait.js';
import { befriend, must, syncAll, texts, useCore } from './cores.js';
import type { TestCore } from './cores.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

/** A relay on a data dir of the test's own, so it can be stopped and started again on the same port. */
async function restartableRelay(): Promise<{ relay: () => RelayProcess; restart: (how: 'stop' | 'kill') => Promise<void>; down: (how: 'stop' | 'kill') => Promise<void>; up: () => Promise<void> }> {
  const dataDir = makeTempDir();
  let current = await startRelay({ dataDir });
  const port = current.port;
  onTestFinished(async () => {
    await current.stop(5000);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const down = async (how: 'stop' | 'kill') => void (how === 'stop' ? await current.stop() : await current.kill());
  const up = async () => {
    current = await startRelay({ dataDir, args: ['--port', String(port)] });
  };
  return { relay: () => current, down, up, restart: async (how) => (await down(how), await up()) };
}

async function chatOf(a: TestCore, b: TestCore): Promise<string> {
  await befriend(a, b);
  const { chatId } = must(await a.core.createChat({ with: [b.accountId] }));
  await waitFor(async () => must(await b.core.chats()).some((c) => c.chatId === chatId), { timeoutMs: 10_000, message: 'the invite to arrive' });
  await syncAll([a, b]);
  return chatId;
}

describe('core: offline', () => {
  it('queues sends while the relay is down and flushes them after restarts (SIGTERM, then SIGKILL)', async () => {
    const r = await restartableRelay();
    const url = r.relay().url;
    const alice = await useCore(sodium, [url], 'Alice');
    const bob = await useCore(sodium, [url], 'Bob');
    const chatId = await chatOf(alice, bob);

    await r.down('stop');
    await waitFor(async () => !must(await alice.core.status()).online, { message: 'Alice to notice the relay is gone' });
    const queued = must(await alice.core.send(chatId, 'sent while the relay was down'));
    const mine = must(await alice.core.messages(chatId)).find((m) => m.id === queued.messageId)!;
    expect(mine.state).toBe('queued');
    expect(must(await alice.core.status()).outbox).toBeGreaterThan(0);
    const unreachable = await alice.core.sync({ timeoutMs: 300 });
    expect(unreachable.ok).toBe(false);
    if (!unreachable.ok) {
      expect(unreachable.code).toBe('RELAY_UNREACHABLE');
      expect(unreachable.message).toContain(url);
    }

    await r.up();
    await waitFor(async () => (await texts(bob, chatId)).includes('sent while the relay was down'), { timeoutMs: 15_000, message: 'the queued message to reach Bob' });
    await syncAll([alice, bob]);
    expect(must(await alice.core.status())).toMatchObject({ outbox: 0, online: true });

    await r.restart('kill');
    must(await bob.core.send(chatId, 'after a SIGKILL'));
    await waitFor(async () => (await texts(alice, chatId)).includes('after a SIGKILL'), { timeoutMs: 15_000, message: 'the reply after SIGKILL' });
    await syncAll([alice, bob]);
    expect(await texts(alice, chatId)).toEqual(await texts(bob, chatId));
  });

  it('a restarted core keeps its history and its chats keep working', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const chatId = await chatOf(alice, bob);
    for (let i = 0; i < 5; i++) must(await alice.core.send(chatId, `before ${i}`));
    await syncAll([alice, bob]);
    const clientIds = alice.home.db.prepare('SELECT doc, client_id FROM docs ORDER BY doc').all();

    await alice.restart();
    expect(await texts(alice, chatId)).toEqual(['before 0', 'before 1', 'before 2', 'before 3', 'before 4']);
    expect(must(await alice.core.chats()).map((c) => c.chatId)).toEqual([chatId]);
    must(await alice.core.send(chatId, 'after restart'));
    await waitFor(async () => (await texts(bob, chatId)).includes('after restart'), { timeoutMs: 10_000, message: 'Bob to get the post-restart message' });
    await syncAll([alice, bob]);
    expect(alice.home.db.prepare('SELECT doc, client_id FROM docs ORDER BY doc').all()).toEqual(clientIds);
    expect(await texts(bob, chatId)).toEqual(await texts(alice, chatId));
  });

  it('both sides offline at different times still converge', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const chatId = await chatOf(alice, bob);

    await bob.shutdown();
    must(await alice.core.send(chatId, 'while Bob was away'));
    await syncAll([alice]);
    await alice.shutdown();
    await bob.restart();
    must(await bob.core.send(chatId, 'while Alice was away'));
    await syncAll([bob]);
    expect(await texts(bob, chatId)).toEqual(['while Bob was away', 'while Alice was away']);
    await alice.restart();
    await syncAll([alice, bob]);
    expect(await texts(alice, chatId)).toEqual(['while Bob was away', 'while Alice was away']);
    await waitFor(async () => must(await alice.core.messages(chatId))[0]!.state === 'delivered', { message: 'Alice to see her message delivered' });
  });
});
