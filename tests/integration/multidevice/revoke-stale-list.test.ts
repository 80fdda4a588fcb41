// A contact holding Alice's device list from before a revocation must not register the revoked device on a chat
// it creates afterwards (it would hold up deletion of that chat's updates on the relay for good).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { befriend, must, syncAll, texts, useCore } from '../core/cores.js';
import { useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { useLinkedCore } from './linked.js';

let sodium: Sodium;
beforeAll(async () => { sodium = await loadSodium(); });

describe('stale device list after a revocation', () => {
  it('a chat created by a contact after the revocation leaves the relay empty', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const carol = await useCore(sodium, [relay.url], 'Carol');
    await befriend(alice, carol);
    const phone = await useLinkedCore(sodium, alice, relay.url, 'phone');
    must(await phone.core.sync({ timeoutMs: 20_000 }));
    await carol.core.refreshContacts(); // Carol now knows the phone
    await phone.shutdown();
    must(await alice.core.revokeDevice(phone.deviceId), 'revoke');
    await syncAll([alice]);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'empty relay after revoke' });
    const { chatId } = must(await carol.core.createChat({ with: [alice.accountId], title: 'after' }));
    await waitFor(async () => must(await alice.core.chats()).some((c) => c.chatId === chatId), { timeoutMs: 15_000, message: 'chat at alice' });
    must(await carol.core.send(chatId, 'hi'));
    await syncAll([carol, alice]);
    await waitFor(async () => (await texts(alice, chatId)).includes('hi'), { timeoutMs: 10_000, message: 'hi at alice' });
    await syncAll([carol, alice]);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 8_000, message: 'empty relay (the revoked device must not be registered)' });
    expect((await relay.stats()).storedUpdates).toBe(0);
  }, 90_000);
});
