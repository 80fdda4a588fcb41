// Issue 5's proof of convergence between real cores over a real relay: signed digests (EPHEMERAL) agree on every
// device of a chat, name the device that lags while it is offline, and a digest mismatch alone repairs an update
// the relay never held (a targeted step 1 to the device that has it).
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { ChatSyncStatus } from '../../../src/shared/core-api.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { befriend, must, syncAll, texts, useCore } from '../core/cores.js';
import type { TestCore } from '../core/cores.js';
import { useRelay } from '../helpers/harness.js';
import { makeTempDir, startRelay } from '../helpers/relay-process.js';
import { waitFor } from '../helpers/wait.js';
import { useLinkedCore } from './linked.js';
import type { LinkedCore } from './linked.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

type AnyCore = TestCore | LinkedCore;

async function statusOf(c: AnyCore, chatId: string): Promise<ChatSyncStatus> {
  return must(await c.core.chatSyncStatus(chatId), 'chatSyncStatus');
}

/** inSync per device id, as one core sees the chat. */
async function view(c: AnyCore, chatId: string): Promise<Record<string, boolean | null>> {
  return Object.fromEntries((await statusOf(c, chatId)).devices.map((d) => [d.deviceId, d.inSync]));
}

async function allInSync(cores: AnyCore[], chatId: string, devices: number): Promise<boolean> {
  for (const c of cores) {
    const s = await statusOf(c, chatId);
    if (s.devices.length !== devices || !s.allInSync) return false;
  }
  return true;
}

describe('proof of convergence', () => {
  it('reports all devices in sync, names the one that lags while offline, and agrees again once it is back', async () => {
    const relay = await useRelay();
    const desk = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(desk, bob);
    const laptop = await useLinkedCore(sodium, desk, relay.url, 'laptop');
    must(await laptop.core.sync({ timeoutMs: 20_000 }), 'first sync of the laptop');
    await bob.core.refreshContacts();
    const { chatId } = must(await desk.core.createChat({ with: [bob.accountId], title: 'digests' }));
    await waitFor(async () => must(await bob.core.chats()).some((c) => c.chatId === chatId) && must(await laptop.core.chats()).some((c) => c.chatId === chatId), {
      timeoutMs: 10_000,
      message: 'the chat on every device',
    });
    for (let i = 0; i < 3; i++) {
      must(await desk.core.send(chatId, `desk ${i}`));
      must(await bob.core.send(chatId, `bob ${i}`));
      must(await laptop.core.send(chatId, `laptop ${i}`));
    }
    await syncAll([desk, bob]);
    must(await laptop.core.sync({ timeoutMs: 15_000 }));

    const everyone: AnyCore[] = [desk, laptop, bob];
    await waitFor(() => allInSync(everyone, chatId, 3), { timeoutMs: 20_000, intervalMs: 100, message: 'all 3 devices in sync on every device' });
    const s = await statusOf(laptop, chatId);
    expect(s.devices.map((d) => [d.deviceId, d.account]).sort()).toEqual(
      [
        [desk.deviceId, desk.accountId],
        [laptop.deviceId, laptop.accountId],
        [bob.deviceId, bob.accountId],
      ].sort(),
    );
    expect(s.devices.filter((d) => d.current).map((d) => d.deviceId)).toEqual([laptop.deviceId]);

    // The desk goes offline; the others keep writing.
    const events: ChatSyncStatus[] = [];
    laptop.core.on('chatSync', (e) => events.push(e));
    await desk.shutdown();
    must(await laptop.core.send(chatId, 'while the desk is away'));
    must(await bob.core.send(chatId, 'bob too'));
    await syncAll([bob]);
    must(await laptop.core.sync({ timeoutMs: 15_000 }));
    await waitFor(async () => (await view(laptop, chatId))[desk.deviceId] === false, { timeoutMs: 20_000, intervalMs: 100, message: 'the laptop to name the desk as lagging' });
    await waitFor(async () => (await view(laptop, chatId))[bob.deviceId] === true, { timeoutMs: 20_000, intervalMs: 100, message: "Bob's device in sync with the laptop" });
    expect(await view(laptop, chatId)).toEqual({ [desk.deviceId]: false, [laptop.deviceId]: true, [bob.deviceId]: true });
    expect((await statusOf(laptop, chatId)).allInSync).toBe(false);
    expect(events.some((e) => e.chatId === chatId && e.devices.some((d) => d.deviceId === desk.deviceId && d.inSync === false))).toBe(true);

    // Back online: it catches up and every device agrees again.
    await desk.restart();
    await waitFor(() => allInSync(everyone, chatId, 3), { timeoutMs: 20_000, intervalMs: 100, message: 'all 3 devices in sync again' });
    expect(await texts(desk, chatId)).toContain('while the desk is away');
    expect(events.at(-1)?.allInSync).toBe(true);
  }, 90_000);

  it('a digest mismatch alone repairs an update the relay never held', async () => {
    const dataDir = makeTempDir();
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    let relay = await startRelay({ dataDir });
    onTestFinished(async () => void (await relay.stop(5000)));
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(alice, bob);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    await waitFor(async () => must(await bob.core.chats()).some((c) => c.chatId === chatId), { timeoutMs: 10_000, message: 'the invite to arrive' });
    must(await bob.core.send(chatId, 'hello'));
    await syncAll([bob, alice]);
    await waitFor(() => allInSync([alice, bob], chatId, 2), { timeoutMs: 20_000, intervalMs: 100, message: 'Alice and Bob in sync' });

    // With the relay down, Alice writes a message whose outbox row is then lost: no relay ever holds it, so
    // neither a GAP nor a backlog can bring it to Bob.
    const port = relay.port;
    await relay.stop();
    must(await alice.core.send(chatId, 'only in Alice\'s doc'));
    alice.home.db.prepare('DELETE FROM outbox').run();
    relay = await startRelay({ dataDir, args: ['--port', String(port)] });

    await waitFor(async () => (await texts(bob, chatId)).includes("only in Alice's doc"), { timeoutMs: 20_000, intervalMs: 100, message: 'Bob to get the message through the digest mismatch' });
    await waitFor(() => allInSync([alice, bob], chatId, 2), { timeoutMs: 20_000, intervalMs: 100, message: 'Alice and Bob in sync again' });
    expect(bob.logs.some((l) => l.includes('convergence digests differ'))).toBe(true);
    expect(bob.logs.some((l) => l.includes('GAP'))).toBe(false);
    expect((await relay.stats()).storedUpdates).toBe(0);
  }, 60_000);

  it("lists a contact's newly linked device once its digest arrives, and drops it once it is revoked", async () => {
    const relay = await useRelay();
    const desk = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(desk, bob);
    const { chatId } = must(await desk.core.createChat({ with: [bob.accountId] }));
    await waitFor(async () => must(await bob.core.chats()).some((c) => c.chatId === chatId), { timeoutMs: 10_000, message: 'the invite to arrive' });
    must(await bob.core.send(chatId, 'hello'));
    await syncAll([bob, desk]);
    await waitFor(() => allInSync([desk, bob], chatId, 2), { timeoutMs: 20_000, intervalMs: 100, message: 'Alice and Bob in sync' });
    const shown: ChatSyncStatus[] = [];
    bob.core.on('chatSync', (e) => shown.push(e));

    // Bob never refreshes his contacts here: the laptop's digest alone makes him refetch Alice's device list.
    const laptop = await useLinkedCore(sodium, desk, relay.url, 'laptop');
    must(await laptop.core.sync({ timeoutMs: 20_000 }), 'first sync of the laptop');
    await waitFor(async () => (await statusOf(bob, chatId)).devices.some((d) => d.deviceId === laptop.deviceId) || undefined, {
      timeoutMs: 15_000,
      intervalMs: 100,
      message: "Alice's laptop in Bob's chat sync status",
    });
    await waitFor(() => allInSync([bob, desk, laptop], chatId, 3), { timeoutMs: 20_000, intervalMs: 100, message: 'all 3 devices in sync on every device' });
    expect((await statusOf(bob, chatId)).devices.find((d) => d.deviceId === laptop.deviceId)).toMatchObject({ account: desk.accountId, inSync: true });
    expect(shown.some((e) => e.chatId === chatId && e.devices.some((d) => d.deviceId === laptop.deviceId))).toBe(true);

    // Revoked: the device list in the key epoch Bob receives drops the laptop from his status (and what he shows).
    must(await desk.core.revokeDevice(laptop.deviceId), 'revokeDevice');
    await syncAll([desk, bob]);
    await waitFor(async () => !(await statusOf(bob, chatId)).devices.some((d) => d.deviceId === laptop.deviceId) || undefined, {
      timeoutMs: 15_000,
      intervalMs: 100,
      message: "the revoked laptop gone from Bob's chat sync status",
    });
    await waitFor(() => allInSync([bob, desk], chatId, 2), { timeoutMs: 20_000, intervalMs: 100, message: 'Alice and Bob in sync after the revocation' });
    expect(shown.at(-1)!.devices.map((d) => d.deviceId).sort()).toEqual([desk.deviceId, bob.deviceId].sort());
  }, 90_000);
});
