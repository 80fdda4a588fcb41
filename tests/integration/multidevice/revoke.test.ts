// Revoking a device through real cores and a real relay process: Alice with two devices and a chat with Bob
// revokes her second device from the first. The rest move to new keys and topics; the revoked device gets
// nothing new, cannot open what is sealed under the new key, and no longer holds up deletion on the relay.
import * as Y from 'yjs';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadSodium } from '../../../src/main/crypto/index.js';
import { createCore, loadIdentity } from '../../../src/main/core/index.js';
import { createDocLog } from '../../../src/main/db/index.js';
import { openHome } from '../../../src/main/home/index.js';
import type { Home } from '../../../src/main/home/index.js';
import { deriveCapability } from '../../../src/shared/crypto/capability.js';
import { openEnvelope } from '../../../src/shared/crypto/envelope.js';
import type { Sodium } from '../../../src/shared/crypto/sodium.js';
import { getChat } from '../../../src/shared/docs/account-doc.js';
import type { ChatEntry } from '../../../src/shared/docs/account-doc.js';
import type { UpdateFrame } from '../../../src/shared/frames.js';
import { bytesEqual, fromHex } from '../../../src/shared/ids.js';
import type { TopicId } from '../../../src/shared/ids.js';
import { befriend, must, syncAll, texts, useCore } from '../core/cores.js';
import { useClient, useRelay } from '../helpers/harness.js';
import { waitFor } from '../helpers/wait.js';
import { texts as linkedTexts, useLinkedCore } from './linked.js';

/** The passphrase linked.ts gives the homes it links. */
const LINKED_PASSPHRASE = 'second device passphrase';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

/** The chat's entry in a home's account doc, read from its update log. */
function chatEntry(home: Home, chatId: string): ChatEntry {
  const doc = new Y.Doc();
  for (const u of createDocLog(home.db).readUpdates('account')) Y.applyUpdate(doc, u);
  const entry = getChat(doc, chatId);
  if (entry === null) throw new Error(`no chat ${chatId} in the account doc`);
  return entry;
}

describe('revoking a device', () => {
  it('moves the chat and the account doc to new keys the revoked device never gets, and the relay no longer waits on it', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    await befriend(alice, bob);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    await syncAll([alice, bob]);
    must(await bob.core.send(chatId, 'before'));
    await syncAll([bob, alice]);
    const phone = await useLinkedCore(sodium, alice, relay.url, 'phone');
    must(await phone.core.sync({ timeoutMs: 20_000 }), 'sync of the linked device');
    expect(await linkedTexts(phone, chatId)).toEqual(['before']);
    const old = chatEntry(phone.home, chatId);
    const oldAccountKey = loadIdentity(phone.home.vault, sodium)!.accountDoc.key;

    // Refusals change nothing.
    const before = must(await alice.core.devices()).map((d) => d.deviceId);
    expect(await alice.core.revokeDevice('ab'.repeat(32))).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await alice.core.revokeDevice('not a device')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(await alice.core.revokeDevice(alice.deviceId)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(must(await alice.core.devices()).map((d) => d.deviceId)).toEqual(before);
    expect(chatEntry(alice.home, chatId).key).toBe(old.key);

    const phoneStatuses: boolean[] = [];
    phone.core.on('status', (s) => phoneStatuses.push(s.revoked === true));
    expect(must(await phone.core.status()).revoked).toBe(false);
    expect(must(await alice.core.revokeDevice(phone.deviceId), 'revokeDevice')).toEqual({ deviceId: phone.deviceId });
    expect(must(await alice.core.devices()).map((d) => d.deviceId)).toEqual([alice.deviceId]);
    const next = chatEntry(alice.home, chatId);
    expect(next.key).not.toBe(old.key);
    expect(next.epoch).toBe(1);
    expect(loadIdentity(alice.home.vault, sodium)!.accountDoc.key).not.toEqual(oldAccountKey);

    // The old chat topic is closed on the relay.
    const oldCap = deriveCapability(sodium, fromHex(old.key)!);
    const nextCap = deriveCapability(sodium, fromHex(next.key)!);
    const oracle = await useClient(relay.url, sodium);
    must(await oracle.client.openTopic(oldCap));
    expect(await oracle.client.publish(oldCap.topic as TopicId, new Uint8Array([1]))).toMatchObject({ ok: false, code: 'TOPIC_CLOSED' });

    // Bob learns the new key from the KEY_EPOCH on the old topic and moves; an observer holding the new topic's
    // capability (which the phone cannot derive) sees what he sends next, and the phone's old key opens none of it.
    await syncAll([bob, alice]);
    await waitFor(() => chatEntry(bob.home, chatId).key === next.key || undefined, { timeoutMs: 10_000, message: 'the new chat key at Bob' });
    expect(chatEntry(bob.home, chatId).epoch).toBe(1);
    must(await oracle.client.openTopic(nextCap));
    must(await oracle.client.subscribe(nextCap.topic as TopicId, 0));
    must(await bob.core.send(chatId, 'after the revocation'));
    await syncAll([bob]);
    await waitFor(async () => (await texts(alice, chatId)).includes('after the revocation'), { timeoutMs: 10_000, message: 'the message on the first device' });
    const seen = await waitFor(() => oracle.on('update', nextCap.topic as TopicId).at(-1) as UpdateFrame | undefined, { message: 'the update on the new topic' });
    const opener = (key: string) => openEnvelope(sodium, seen.payload, { expectedTopic: nextCap.topic as TopicId, attestedSender: seen.sender, keyForEpoch: () => fromHex(key) });
    expect(opener(next.key).ok).toBe(true);
    expect(opener(old.key)).toMatchObject({ ok: false, code: 'DECRYPT_FAILED' });
    // SUBSCRIBE registered the observer: it leaves, so the relay does not keep the update for it.
    must(await oracle.client.unregister(nextCap.topic as TopicId, [oracle.device.publicKey]));

    // The revoked device learnt it was revoked, stopped syncing, and has neither the message nor the new keys.
    await waitFor(async () => !(await phone.core.send(chatId, 'still here?')).ok, { timeoutMs: 10_000, message: 'the phone refusing to send' });
    const refused = await phone.core.sync({ timeoutMs: 1000 });
    expect(refused).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(!refused.ok && refused.message).toMatch(/revoked/);
    expect(await linkedTexts(phone, chatId)).toEqual(['before']);
    expect(chatEntry(phone.home, chatId).key).toBe(old.key);
    expect(loadIdentity(phone.home.vault, sodium)!.accountDoc.key).toEqual(oldAccountKey);
    // Its status says so (the UI shows "removed from your account" rather than "offline"), and a status event told it.
    expect(must(await phone.core.status()).revoked).toBe(true);
    await waitFor(() => phoneStatuses.includes(true) || undefined, { timeoutMs: 5000, message: 'a status event with revoked on the phone' });
    expect(must(await alice.core.status()).revoked).toBe(false);
    expect(must(await bob.core.status()).revoked).toBe(false);

    // Nothing waits for the phone: the relay empties once Alice and Bob acked.
    await syncAll([alice, bob]);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'an empty relay after the revocation' });

    // Alice's side works both ways and survives a restart (new keys from the vault, the chat on its new topic).
    await alice.restart();
    must(await alice.core.send(chatId, 'from alice'));
    must(await bob.core.send(chatId, 'from bob'));
    await syncAll([alice, bob]);
    await waitFor(async () => (await texts(bob, chatId)).includes('from alice') && (await texts(alice, chatId)).includes('from bob'), { timeoutMs: 10_000, message: 'both messages after the restart' });
    expect(await linkedTexts(phone, chatId)).toEqual(['before']);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'an empty relay at the end' });
    expect(bytesEqual(nextCap.topic, oldCap.topic)).toBe(false);
  });

  it('moves the other remaining own devices too: they get the new account and chat keys, keep syncing, and new invites reach them', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const bob = await useCore(sodium, [relay.url], 'Bob');
    const carol = await useCore(sodium, [relay.url], 'Carol');
    await befriend(alice, bob);
    await befriend(alice, carol);
    const { chatId } = must(await alice.core.createChat({ with: [bob.accountId] }));
    await syncAll([alice, bob]);
    const laptop = await useLinkedCore(sodium, alice, relay.url, 'laptop');
    const phone = await useLinkedCore(sodium, alice, relay.url, 'phone');
    must(await laptop.core.sync({ timeoutMs: 20_000 }), 'sync of the laptop');
    must(await phone.core.sync({ timeoutMs: 20_000 }), 'sync of the phone');

    must(await alice.core.revokeDevice(phone.deviceId), 'revokeDevice');
    await syncAll([alice, bob]);
    must(await laptop.core.sync({ timeoutMs: 10_000 }), 'sync of the laptop after the revocation');
    const next = chatEntry(alice.home, chatId);
    await waitFor(() => chatEntry(laptop.home, chatId).key === next.key || undefined, { timeoutMs: 10_000, message: 'the new chat key on the laptop' });
    const aliceKeys = loadIdentity(alice.home.vault, sodium)!;
    await waitFor(() => bytesEqual(loadIdentity(laptop.home.vault, sodium)!.accountDoc.key, aliceKeys.accountDoc.key) || undefined, { timeoutMs: 10_000, message: 'the new account-doc key on the laptop' });
    expect(loadIdentity(laptop.home.vault, sodium)!.inbox.secret).toEqual(loadIdentity(alice.home.vault, sodium)!.inbox.secret);
    expect(must(await laptop.core.devices()).map((d) => d.deviceId)).toEqual([alice.deviceId, laptop.deviceId]);

    // The laptop writes on the new topic; Bob and Alice read it; the phone does not.
    must(await laptop.core.send(chatId, 'from the laptop'));
    must(await laptop.core.sync({ timeoutMs: 10_000 }));
    await waitFor(async () => (await texts(bob, chatId)).includes('from the laptop') && (await texts(alice, chatId)).includes('from the laptop'), { timeoutMs: 10_000, message: "the laptop's message at Bob and Alice" });
    await waitFor(async () => !(await phone.core.sync({ timeoutMs: 500 })).ok, { timeoutMs: 10_000, message: 'the phone knowing it was revoked' });
    expect(await linkedTexts(phone, chatId)).not.toContain('from the laptop');

    // Carol still holds Alice's old device list: creating a chat fetches the current one, so her invite goes to the
    // new inbox straight away (no re-send after a closed inbox); both remaining devices get the chat.
    const { chatId: withCarol } = must(await carol.core.createChat({ with: [alice.accountId], title: 'after' }));
    await syncAll([carol, alice]);
    await waitFor(async () => must(await laptop.core.chats()).some((c) => c.chatId === withCarol), { timeoutMs: 10_000, message: 'the new chat on the laptop' });
    expect(must(await alice.core.chats()).some((c) => c.chatId === withCarol)).toBe(true);
    expect(carol.logs.some((l) => l.includes('sent invites again to the moved inbox'))).toBe(false);
    await syncAll([alice, bob, carol]);
    must(await laptop.core.sync({ timeoutMs: 10_000 }));
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'an empty relay' });

    // A device linked after the revocation knows the account's epoch (from the account doc): when it revokes the
    // laptop, the next epoch is 2 and Alice's first device follows it.
    const tablet = await useLinkedCore(sodium, alice, relay.url, 'tablet');
    must(await tablet.core.sync({ timeoutMs: 20_000 }), 'sync of the tablet');
    must(await tablet.core.revokeDevice(laptop.deviceId), 'revoke from the tablet');
    const tabletKey = loadIdentity(tablet.home.vault, sodium)!.accountDoc.key;
    expect(bytesEqual(tabletKey, aliceKeys.accountDoc.key)).toBe(false);
    await waitFor(() => bytesEqual(loadIdentity(alice.home.vault, sodium)!.accountDoc.key, tabletKey) || undefined, { timeoutMs: 10_000, message: "the tablet's epoch on Alice's first device" });
    await waitFor(() => chatEntry(alice.home, chatId).epoch === 2 || undefined, { timeoutMs: 10_000, message: 'epoch 2 of the chat' });
    expect(must(await alice.core.devices()).map((d) => d.deviceId)).toEqual([alice.deviceId, tablet.deviceId]);
  });

  it('tells a device that was offline during its revocation, from the device list on the relay, once it is back', async () => {
    const relay = await useRelay();
    const alice = await useCore(sodium, [relay.url], 'Alice');
    const phone = await useLinkedCore(sodium, alice, relay.url, 'phone');
    must(await phone.core.sync({ timeoutMs: 20_000 }), 'sync of the phone');
    await phone.shutdown();
    must(await alice.core.revokeDevice(phone.deviceId), 'revokeDevice');
    await syncAll([alice]);
    await waitFor(async () => (await relay.stats()).storedUpdates === 0, { timeoutMs: 10_000, message: 'an empty relay' });

    const opened = openHome({ dir: phone.dir, sodium, passphrase: LINKED_PASSPHRASE });
    if (!opened.ok) throw new Error(opened.message);
    const again = await createCore({ home: opened.value, sodium, requestTimeoutMs: 5000, relayClientOptions: { reconnect: { baseMs: 50, maxMs: 500 } } });
    onTestFinished(async () => {
      await again.stop();
      opened.value.close();
    });
    await again.start();
    await waitFor(async () => {
      const r = await again.sync({ timeoutMs: 2000 });
      return !r.ok && r.code === 'NOT_ALLOWED' && /revoked/.test(r.message);
    }, { timeoutMs: 10_000, message: 'the phone knowing it was revoked' });
    expect(must(await again.whoami()).accountId).toBe(alice.accountId);
  });
});
