// The account's relay list travels in the account doc: a relay added on one device is followed by the account's
// other device (records, inbox and account doc there), and a removal is taken over too; changes of the account
// doc then reach the other device over the new relay alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { befriend, must, useCore } from '../core/cores.js';
import { useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { useLinkedCore } from './linked.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

describe('the relay list across an account’s devices', () => {
  it('follows an added and a removed relay on the other device', async () => {
    const first = await useRelay();
    const second = await useRelay();
    const alice = await useCore(sodium, [first.url], 'Alice');
    const laptop = await useLinkedCore(sodium, alice, first.url, 'laptop');
    must(await laptop.core.sync({ timeoutMs: 20_000 }), 'laptop sync');
    expect(must(await laptop.core.whoami()).relays).toEqual([first.url]);

    must(await alice.core.addRelay(second.url));
    await waitFor(async () => must(await laptop.core.whoami()).relays.join(' ') === `${first.url} ${second.url}`, { timeoutMs: 15_000, message: 'the laptop to take the added relay' });
    await waitFor(async () => must(await laptop.core.status()).relays.some((r) => r.url === second.url && r.connected), { timeoutMs: 15_000, message: 'the laptop to connect the added relay' });

    must(await alice.core.removeRelay(first.url));
    await waitFor(async () => must(await laptop.core.whoami()).relays.join(' ') === second.url, { timeoutMs: 15_000, message: 'the laptop to drop the removed relay' });

    // The account doc now travels over the second relay alone: a profile change reaches the laptop.
    must(await alice.core.setProfile({ status: 'on the second relay' }));
    await waitFor(async () => must(await laptop.core.whoami()).status === 'on the second relay', { timeoutMs: 15_000, message: 'the profile change over the second relay' });

    // A contact who only knows the second relay reaches the laptop's inbox too.
    const carol = await useCore(sodium, [second.url], 'Carol');
    await befriend(carol, alice);
    const chatId = must(await carol.core.createChat({ with: [alice.accountId] })).chatId;
    must(await carol.core.send(chatId, 'hello both of you'));
    await waitFor(async () => must(await laptop.core.chats()).some((c) => c.chatId === chatId), { timeoutMs: 15_000, message: "Carol's chat on the laptop" });
  });
});
