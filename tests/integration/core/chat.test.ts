// Two real cores and a real relay process: contacts by invite code, a chat, messages both ways,
// delivery state, unread counts, search and export.
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

describe('core: contacts and chats', () => {
  it('Alice invites Bob, Bob adds her, they chat both ways', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');

    const contact = must(await alice.core.addContact(must(await bob.core.invite()).code));
    expect(contact).toMatchObject({ accountId: bob.accountId, name: 'Bob', blocked: false });
    must(await bob.core.addContact(must(await alice.core.invite()).code));
    expect(must(await alice.core.contacts()).map((c) => c.name)).toEqual(['Bob']);

    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    const hello = must(await alice.core.send(chatId, 'hello Bob'));
    await waitFor(async () => (await texts(bob, chatId)).includes('hello Bob'), { timeoutMs: 10_000, message: 'Bob to get the message' });

    const bobChats = must(await bob.core.chats());
    expect(bobChats).toHaveLength(1);
    expect(bobChats[0]).toMatchObject({ chatId, title: 'Alice', request: false, unread: 1 });
    expect(bobChats[0]!.members.sort()).toEqual([alice.accountId, bob.accountId].sort());

    must(await bob.core.send(chatId, 'hi Alice'));
    await waitFor(async () => (await texts(alice, chatId)).includes('hi Alice'), { timeoutMs: 10_000, message: 'Alice to get the reply' });
    try {
      await syncAll([alice, bob]);
    } catch (e) {
      console.log('RELAY STDERR', relay.stderr());
      throw e;
    }

    const seen = must(await alice.core.messages(chatId));
    expect(seen.map((m) => [m.text, m.author, m.mine])).toEqual([
      ['hello Bob', alice.accountId, true],
      ['hi Alice', bob.accountId, false],
    ]);
    expect(seen[0]!.id).toBe(hello.messageId);
    await waitFor(async () => must(await alice.core.messages(chatId))[0]!.state === 'delivered', { message: 'DELIVERED for hello' });

    const bobView = must(await bob.core.messages(chatId));
    expect(must(await bob.core.markRead(chatId, bobView[0]!.id))).toEqual({ unread: 0 });
    expect(must(await bob.core.chats())[0]!.unread).toBe(0);

    const hits = must(await bob.core.search('hello'));
    expect(hits.map((h) => h.message.text)).toEqual(['hello Bob']);
    expect(must(await alice.core.exportChat(chatId, 'md')).text).toContain('hi Alice');
    const exported = JSON.parse(must(await alice.core.exportChat(chatId, 'json')).text) as { messages: { text: string }[] };
    expect(exported.messages.map((m) => m.text)).toEqual(['hello Bob', 'hi Alice']);
    expect(alice.events.messages.length).toBeGreaterThan(0);
    expect(bob.events.chat.some((c) => c.chatId === chatId)).toBe(true);
  });

  it('edits, deletes for everyone, replies and paging reach the other side; only the author may change a message', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(alice, bob);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId], title: 'Plans' }));
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(must(await alice.core.send(chatId, `m${i}`)).messageId);
    await waitFor(async () => must(await bob.core.messages(chatId, { limit: 100 })).length === 60, { timeoutMs: 15_000, message: 'all 60 messages' });

    const page = must(await bob.core.messages(chatId));
    expect(page.map((m) => m.text)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 10}`));
    const older = must(await bob.core.messages(chatId, { before: page[0]!.id }));
    expect(older.map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect(await bob.core.messages(chatId, { before: 'ab'.repeat(16) })).toMatchObject({ ok: false, code: 'UNKNOWN_MESSAGE' });
    expect(must(await bob.core.chats())[0]).toMatchObject({ title: 'Plans', unread: 60 });

    expect(must(await alice.core.editMessage(chatId, ids[1]!, 'm1 (edited)'))).toMatchObject({ text: 'm1 (edited)', editedAt: expect.any(Number) });
    expect(must(await alice.core.deleteMessage(chatId, ids[2]!))).toMatchObject({ text: '', deleted: true });
    expect(await bob.core.editMessage(chatId, ids[3]!, 'not mine')).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    const reply = must(await bob.core.send(chatId, 'which one?', { replyTo: ids[0]! }));
    await waitFor(async () => (await texts(alice, chatId)).includes('which one?'), { timeoutMs: 10_000, message: 'the reply' });
    await syncAll([alice, bob]);

    const seen = must(await bob.core.messages(chatId, { limit: 1000 }));
    expect(seen.find((m) => m.id === ids[1])?.text).toBe('m1 (edited)');
    expect(seen.find((m) => m.id === ids[2])).toBeUndefined();
    expect(seen.find((m) => m.id === ids[3])?.text).toBe('m3');
    expect(must(await alice.core.messages(chatId, { limit: 1000 })).find((m) => m.id === reply.messageId)?.replyTo).toBe(ids[0]);
    expect(must(await bob.core.search('edited', { chatId })).map((h) => h.message.id)).toEqual([ids[1]]);
    expect(must(await bob.core.markRead(chatId, seen.at(-2)!.id)).unread).toBe(0);
  });
});
