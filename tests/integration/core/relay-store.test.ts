// What the relay keeps: nothing once every device acked (and the next message still flows), never a
// plaintext; a duplicate delivery of the same sealed update is shown once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { loadIdentity } from '../../../src/main/core/index.js';
import { RelayClient } from '../../../src/main/relay-client/index.js';
import { deriveCapability } from '../../../src/shared/crypto/capability.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { getChat } from '../../../src/shared/docs/account-doc.js';
import { fromHex } from '../../../src/shared/ids.js';
import type { TopicId } from '../../../src/shared/ids.js';
import * as Y from 'yjs';
import { useRelay } from '../helpers/harness.js';
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

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('core: relay storage', () => {
  it('the relay stores nothing once every device acked, keeps no plaintext, and the next message still flows', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const chatId = await chatOf(alice, bob);
    const secret = 'the eagle lands at midnight';
    must(await alice.core.send(chatId, secret));
    await waitFor(async () => (await texts(bob, chatId)).includes(secret), { timeoutMs: 10_000, message: 'Bob to get the secret' });
    await syncAll([alice, bob]);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'the relay store to empty' });

    for (const file of filesUnder(relay.dataDir)) expect(readFileSync(file).includes(Buffer.from(secret)), file).toBe(false);

    must(await bob.core.send(chatId, 'and another one'));
    await waitFor(async () => (await texts(alice, chatId)).includes('and another one'), { timeoutMs: 10_000, message: 'the next message' });
  });

  it('a sealed update delivered three times is shown once', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const chatId = await chatOf(alice, bob);

    // Capture the sealed update of one message while it waits in Alice's outbox, then publish it again by hand.
    const identity = loadIdentity(alice.home.vault, sodium)!;
    const entry = getChat(
      (() => {
        const doc = new Y.Doc();
        for (const row of alice.home.db.prepare<[], { data: Uint8Array }>("SELECT data FROM doc_updates WHERE doc = 'account' ORDER BY id").all()) Y.applyUpdate(doc, row.data);
        return doc;
      })(),
      chatId,
    )!;
    const capability = deriveCapability(sodium, fromHex(entry.key)!);
    const sent = must(await alice.core.send(chatId, 'only once please'));
    const envelope = alice.home.db.prepare<[string], { envelope: Uint8Array }>('SELECT envelope FROM outbox WHERE message_id = ?').get(sent.messageId)?.envelope;
    expect(envelope).toBeDefined();
    await waitFor(async () => (await texts(bob, chatId)).includes('only once please'), { timeoutMs: 10_000, message: 'the first delivery' });
    await syncAll([alice, bob]);
    await alice.shutdown();

    const copy = new RelayClient({ sodium, device: identity.device, reconnect: false });
    onTestFinished(() => copy.close());
    must(await copy.connect(relay.url));
    must(await copy.openTopic(capability));
    must(await copy.publish(capability.topic as TopicId, envelope!));
    must(await copy.publish(capability.topic as TopicId, envelope!));
    await copy.close();
    const logRows = () => bob.home.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM doc_updates WHERE doc = ?').get(chatId)!.n;
    const before = logRows();
    await syncAll([bob]);
    expect(logRows()).toBe(before);
    await bob.restart();
    await syncAll([bob]);
    expect((await texts(bob, chatId)).filter((t) => t === 'only once please')).toHaveLength(1);
  });
});
