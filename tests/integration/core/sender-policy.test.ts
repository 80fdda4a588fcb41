// The sender policy against a real relay: an update from a device that no member lists is acked and
// dropped; one from a device the receiver did not know yet is held until the member's device list is
// fetched again, then shown.
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import * as Y from 'yjs';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { loadIdentity } from '../../../src/main/core/index.js';
import { RelayClient } from '../../../src/main/relay-client/index.js';
import { deriveCapability } from '../../../src/shared/crypto/capability.js';
import { sealEnvelope } from '../../../src/shared/crypto/envelope.js';
import { randomBytes } from '../../../src/shared/crypto/sodium.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { getChat } from '../../../src/shared/docs/account-doc.js';
import { encodeSyncUpdate } from '../../../src/shared/docs/app-message.js';
import { addMessage } from '../../../src/shared/docs/chat-doc.js';
import { RecordKind } from '../../../src/shared/frames.js';
import { fromHex, toHex } from '../../../src/shared/ids.js';
import type { DeviceKey, TopicId } from '../../../src/shared/ids.js';
import { encodeDeviceList, signRecord } from '../../../src/shared/records.js';
import { useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { befriend, must, syncAll, texts, useCore } from './cores.js';
import type { TestCore } from './cores.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

function chatKeyOf(t: TestCore, chatId: string): Uint8Array {
  const doc = new Y.Doc();
  for (const row of t.home.db.prepare<[], { data: Uint8Array }>("SELECT data FROM doc_updates WHERE doc = 'account' ORDER BY id").all()) Y.applyUpdate(doc, row.data);
  return fromHex(getChat(doc, chatId)!.key)!;
}

/** Publishes a chat message written by `device` (sealed by it) straight to the relay. */
async function publishAs(url: string, device: { publicKey: DeviceKey; secretKey: Uint8Array }, chatKey: Uint8Array, author: string, text: string): Promise<void> {
  const capability = deriveCapability(sodium, chatKey);
  const doc = new Y.Doc();
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = u));
  addMessage(doc, { author, device: toHex(device.publicKey), sentAt: Date.now(), text });
  const envelope = sealEnvelope(sodium, { topic: capability.topic, epoch: 0, key: chatKey, senderKey: device.publicKey, senderSecret: device.secretKey, plaintext: encodeSyncUpdate(update!) });
  const client = new RelayClient({ sodium, device, reconnect: false });
  onTestFinished(() => client.close());
  must(await client.connect(url));
  must(await client.openTopic(capability));
  must(await client.publish(capability.topic as TopicId, envelope));
  await client.close();
}

function newDevice() {
  const kp = sodium.signSeedKeypair(randomBytes(32));
  return { publicKey: kp.publicKey as DeviceKey, secretKey: kp.secretKey, box: sodium.boxSeedKeypair(randomBytes(32)).publicKey };
}

describe('core: sender policy', () => {
  it('drops (and acks) an update from a device no member lists, even with the chat key', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(alice, bob);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    await waitFor(async () => must(await bob.core.chats()).length === 1, { timeoutMs: 10_000, message: 'the invite' });
    await syncAll([alice, bob]);

    const eve = newDevice();
    await publishAs(relay.url, eve, chatKeyOf(alice, chatId), alice.accountId, 'I am Alice, trust me');
    must(await bob.core.send(chatId, 'marker'));
    await waitFor(async () => (await texts(alice, chatId)).includes('marker'), { timeoutMs: 10_000, message: 'the marker' });
    await syncAll([alice, bob]);
    expect(await texts(bob, chatId)).toEqual(['marker']);
    expect(await texts(alice, chatId)).toEqual(['marker']);
    expect(bob.logs.some((l) => l.includes('not a member'))).toBe(true);
  });

  it("holds an update from a member's new device until the device list is fetched again, then shows it", async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(alice, bob);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    await waitFor(async () => must(await bob.core.chats()).length === 1, { timeoutMs: 10_000, message: 'the invite' });
    await syncAll([alice, bob]);

    // Alice's account certifies a second device (as linking will do) and that device writes.
    const id = loadIdentity(alice.home.vault, sodium)!;
    const second = newDevice();
    const list = encodeDeviceList({
      inboxTopic: id.inbox.capability.topic,
      inboxKey: id.inbox.box.publicKey,
      devices: [
        { signKey: id.device.publicKey, boxKey: id.device.box.publicKey },
        { signKey: second.publicKey, boxKey: second.box },
      ],
    });
    if (!list.ok) throw new Error(list.message);
    const record = signRecord(sodium, { kind: RecordKind.DeviceList, accountKey: id.account.publicKey, accountSecret: id.account.secretKey, version: Date.now() + 1000, payload: list.value });
    const putter = new RelayClient({ sodium, device: second, reconnect: false });
    onTestFinished(() => putter.close());
    must(await putter.connect(relay.url));
    must(await putter.putRecord(record));
    await putter.close();

    await publishAs(relay.url, second, chatKeyOf(alice, chatId), alice.accountId, 'from my laptop');
    await waitFor(async () => (await texts(bob, chatId)).includes('from my laptop'), { timeoutMs: 10_000, message: 'the message of the new device' });
    await syncAll([bob]);
  });
});
