// The account's relays: addRelay/removeRelay checks, a relay added later serving the account's records and
// inbox (a contact who only knows the new relay finds the account and reaches it with a chat), the list kept
// across a restart, and chats keeping the relay they were created on after it left the account's list.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { decodeInvite, encodeInvite } from '../../../src/shared/invite.js';
import { fromHex, type AccountId } from '../../../src/shared/ids.js';
import { useRelay } from '../helpers/harness.js';
import { makeTempDir, startRelay } from '../helpers/relay-process.js';
import { waitFor } from '../helpers/wait.js';
import { befriend, must, texts, useCore } from './cores.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

async function deadRelayUrl(): Promise<string> {
  const probe = await startRelay({ dataDir: makeTempDir() });
  const url = `ws://127.0.0.1:${probe.port}`;
  await probe.stop();
  return url;
}

describe('core: the account relays', () => {
  it('refuses bad, duplicate and unreachable relays, and removing the last or an unknown one', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    expect(await alice.core.addRelay('http://127.0.0.1:1')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await alice.core.addRelay('not a url')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await alice.core.addRelay(relay.url)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringMatching(/already/) });
    const dead = await deadRelayUrl();
    const unreachable = await alice.core.addRelay(dead);
    expect(unreachable).toMatchObject({ ok: false, code: 'RELAY_UNREACHABLE' });
    expect(!unreachable.ok && unreachable.message).toContain(dead);
    expect(await alice.core.removeRelay(relay.url)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(await alice.core.removeRelay(dead)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(must(await alice.core.whoami()).relays).toEqual([relay.url]);
    expect(must(await alice.core.status()).relays.map((r) => r.url)).toEqual([relay.url]);
  });

  it('a relay added later serves the account: records, inbox, invite; chats keep their relay after removal', async () => {
    const first = await useRelay();
    const second = await useRelay();
    const alice = await useCore(sodium, [first.url], 'Alice');
    const bob = await useCore(sodium, [first.url], 'Bob');
    const carol = await useCore(sodium, [second.url], 'Carol');
    await befriend(alice, bob);
    const withBob = must(await alice.core.createChat({ with: [bob.accountId] })).chatId;
    must(await alice.core.send(withBob, 'before the second relay'));

    const added = must(await alice.core.addRelay(second.url));
    expect(added.relays).toEqual([first.url, second.url]);
    const invite = decodeInvite(must(await alice.core.invite()).code);
    expect(invite.ok && invite.value.relays).toEqual([first.url, second.url]);

    // Carol knows only the second relay: Alice's records are there, and so is her inbox.
    const onlySecond = encodeInvite({ account: fromHex(alice.accountId) as AccountId, relays: [second.url] });
    expect(must(await carol.core.addContact(onlySecond))).toMatchObject({ accountId: alice.accountId, name: 'Alice' });
    const withCarol = must(await carol.core.createChat({ with: [alice.accountId] })).chatId;
    must(await carol.core.send(withCarol, 'hello over the second relay'));
    await waitFor(async () => (await alice.core.chats()).ok && must(await alice.core.chats()).some((c) => c.chatId === withCarol), {
      timeoutMs: 15_000,
      message: "Carol's invite to reach Alice's inbox on the second relay",
    });
    must(await alice.core.acceptRequest(withCarol));
    await waitFor(async () => (await texts(alice, withCarol)).includes('hello over the second relay'), { timeoutMs: 15_000, message: "Carol's message" });

    await alice.restart();
    expect(must(await alice.core.whoami()).relays).toEqual([first.url, second.url]);

    const removed = must(await alice.core.removeRelay(first.url));
    expect(removed.relays).toEqual([second.url]);
    const after = decodeInvite(must(await alice.core.invite()).code);
    expect(after.ok && after.value.relays).toEqual([second.url]);
    // The chat with Bob lives on the first relay and keeps working there.
    must(await bob.core.send(withBob, 'still on the first relay'));
    await waitFor(async () => (await texts(alice, withBob)).includes('still on the first relay'), { timeoutMs: 15_000, message: "Bob's message on the first relay" });
    must(await alice.core.send(withBob, 'answer on the first relay'));
    await waitFor(async () => (await texts(bob, withBob)).includes('answer on the first relay'), { timeoutMs: 15_000, message: "Alice's answer" });
    expect(must(await alice.core.sync({ timeoutMs: 15_000 })).topics).toBeGreaterThan(0);

    await alice.restart();
    expect(must(await alice.core.whoami()).relays).toEqual([second.url]);
    must(await carol.core.send(withCarol, 'after the restart'));
    await waitFor(async () => (await texts(alice, withCarol)).includes('after the restart'), { timeoutMs: 15_000, message: "Carol's message after Alice's restart" });
  });
});
