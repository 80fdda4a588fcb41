// An invite that meets a closed inbox while no newer device list names another one yet (the inbox was closed, the
// list not yet published) is kept in the outbox and retried; once the contact's new list is out, it is sealed again
// for the new inbox and arrives.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { loadIdentity } from '../../../src/main/core/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { TopicFlags } from '../../../src/shared/frames.js';
import type { TopicId } from '../../../src/shared/ids.js';
import { befriend, must, useCore } from '../core/cores.js';
import { useClient, useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { useLinkedCore } from './linked.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('an invite to a closed inbox', () => {
  it('stays queued until a newer device list names the new inbox, then reaches the contact', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const carol = await useCore(sodium, [relay.url], 'Carol');
    await befriend(alice, carol);
    const phone = await useLinkedCore(sodium, alice, relay.url, 'phone');
    must(await phone.core.sync({ timeoutMs: 20_000 }));
    await phone.shutdown();

    // Alice's inbox is closed while the relay still serves her old device list (it names that inbox).
    const inbox = loadIdentity(alice.home.vault, sodium)!.inbox.capability;
    const closer = await useClient(relay.url, sodium);
    must(await closer.client.openTopic(inbox, TopicFlags.OpenPublish));
    must(await closer.client.closeTopic(inbox.topic as TopicId));

    const { chatId } = must(await carol.core.createChat({ with: [alice.accountId], title: 'queued' }));
    await waitFor(() => carol.logs.some((l) => l.includes('an invite met a closed inbox and no newer device list names another')) || undefined, { timeoutMs: 10_000, message: 'the invite meeting the closed inbox' });

    // The revocation publishes a device list with a new inbox: Carol's retry seals the invite for it.
    must(await alice.core.revokeDevice(phone.deviceId), 'revoke');
    await waitFor(async () => must(await alice.core.chats()).some((c) => c.chatId === chatId), { timeoutMs: 30_000, message: 'the chat at Alice' });
    expect(carol.logs.some((l) => l.includes('sent invites again to the moved inbox'))).toBe(true);
  }, 90_000);
});
