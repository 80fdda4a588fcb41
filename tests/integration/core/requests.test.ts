// Invites from people who are not contacts become message requests; refusals of unknown accounts,
// mistyped codes, unreachable relays and chats with non-contacts.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { randomBytes } from '../../../src/shared/crypto/sodium.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import type { AccountId } from '../../../src/shared/ids.js';
import { encodeInvite } from '../../../src/shared/invite.js';
import { useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { must, syncAll, texts, useCore } from './cores.js';
import type { TestCore } from './cores.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

/** `from` adds `to` as a contact (one way) and starts a chat with a first message. */
async function requestFrom(from: TestCore, to: TestCore, text: string): Promise<string> {
  must(await from.core.addContact(must(await to.core.invite()).code));
  const { chatId } = must(await from.core.createChat({ with: [to.accountId] }));
  must(await from.core.send(chatId, text));
  await waitFor(async () => (await to.core.messages(chatId)).ok && (await texts(to, chatId)).includes(text), { timeoutMs: 10_000, message: 'the request to arrive' });
  return chatId;
}

describe('core: message requests', () => {
  it('an invite from a non-contact is a request whose messages sync; accepting adds the contact', async () => {
    const relay = await useRelay();
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const carol = await useCore(sodium, [relay.url], 'Carol');
    const chatId = await requestFrom(carol, bob, 'hi, we met at the conference');

    const listed = must(await bob.core.chats()).find((c) => c.chatId === chatId)!;
    expect(listed).toMatchObject({ request: true, title: 'Carol', unread: 1 });
    expect(must(await bob.core.contacts())).toEqual([]);

    const accepted = must(await bob.core.acceptRequest(chatId));
    expect(accepted.request).toBe(false);
    expect(must(await bob.core.contacts()).map((c) => [c.accountId, c.name])).toEqual([[carol.accountId, 'Carol']]);
    must(await bob.core.send(chatId, 'nice to hear from you'));
    await waitFor(async () => (await texts(carol, chatId)).includes('nice to hear from you'), { timeoutMs: 10_000, message: 'the answer to reach Carol' });
    await syncAll([bob, carol]);
  });

  it('blocking a request drops the chat and ignores later invites from that account', async () => {
    const relay = await useRelay();
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const mallory = await useCore(sodium, [relay.url], 'Mallory');
    const chatId = await requestFrom(mallory, bob, 'buy cheap watches');

    expect(must(await bob.core.blockRequest(chatId))).toEqual({ chatId });
    expect(must(await bob.core.chats())).toEqual([]);
    expect(bob.events.chatRemoved).toContainEqual({ chatId });
    expect(must(await bob.core.contacts())).toMatchObject([{ accountId: mallory.accountId, blocked: true }]);
    expect((await bob.core.messages(chatId)).ok).toBe(false);

    const again = must(await mallory.core.createChat({ with: [bob.accountId] }));
    must(await mallory.core.send(again.chatId, 'second try'));
    await syncAll([mallory, bob]);
    expect(must(await bob.core.chats())).toEqual([]);
  });
});

describe('core: refusals', () => {
  it('refuses an unknown account, a mistyped code, an unreachable relay and a chat with a non-contact', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');

    const unknown = encodeInvite({ account: randomBytes(32) as AccountId, relays: [relay.url] });
    expect(await alice.core.addContact(unknown)).toMatchObject({ ok: false, code: 'UNKNOWN_ACCOUNT' });

    const code = must(await bob.core.invite()).code;
    const last = code.at(-1)!;
    const mistyped = code.slice(0, -1) + (last === 'a' ? 'b' : 'a');
    expect(await alice.core.addContact(mistyped)).toMatchObject({ ok: false, code: 'MALFORMED_INVITE' });
    expect(await alice.core.addContact('hello')).toMatchObject({ ok: false, code: 'MALFORMED_INVITE' });

    const nowhere = encodeInvite({ account: randomBytes(32) as AccountId, relays: ['ws://127.0.0.1:9'] });
    const unreachable = await alice.core.addContact(nowhere);
    expect(unreachable).toMatchObject({ ok: false, code: 'RELAY_UNREACHABLE' });

    expect(await alice.core.createChat({ with: [bob.accountId] })).toMatchObject({ ok: false, code: 'UNKNOWN_CONTACT' });
    expect(must(await alice.core.contacts())).toEqual([]);
    expect(must(await alice.core.chats())).toEqual([]);
    expect(await alice.core.send('00'.repeat(16), 'to nowhere')).toMatchObject({ ok: false, code: 'UNKNOWN_CHAT' });
  });
});
