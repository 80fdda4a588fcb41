import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadSodium } from '../crypto/index.js';
import { deriveCapability } from '../../shared/crypto/capability.js';
import { openEnvelope } from '../../shared/crypto/envelope.js';
import { randomBytes } from '../../shared/crypto/sodium.js';
import type { Sodium } from '../../shared/crypto/sodium.js';
import { decodeAppMessage } from '../../shared/docs/app-message.js';
import { addMessage, editMessage, getMessage } from '../../shared/docs/chat-doc.js';
import type { DeviceKey } from '../../shared/ids.js';
import { toHex } from '../../shared/ids.js';
import { createMessageStore } from '../db/index.js';
import type { ClientDb } from '../db/index.js';
import { tempClientDb } from '../db/test-db.js';
import { DocRegistry } from './doc-registry.js';
import type { Committed, DocSpec } from './doc-registry.js';
import { createOutboxStore } from './outbox-store.js';

let sodium: Sodium;
beforeAll(async () => {
  sodium = await loadSodium();
});

const ALICE = 'a'.repeat(64);
const BOB = 'b'.repeat(64);
const CHAT = 'c'.repeat(32);

describe('doc registry', () => {
  let t: ReturnType<typeof tempClientDb>;
  let db: ClientDb;
  let committed: Committed[];
  let spec: DocSpec;
  let device: { publicKey: DeviceKey; secretKey: Uint8Array };
  const owners = new Map<string, string>();

  const registry = () =>
    new DocRegistry({ db, sodium, device, outbox: createOutboxStore(db), ownerOf: (d) => owners.get(d) ?? null, afterCommit: (c) => committed.push(c), now: () => 42 });

  beforeEach(() => {
    t = tempClientDb();
    db = t.db;
    committed = [];
    const kp = sodium.signSeedKeypair(randomBytes(32));
    device = { publicKey: kp.publicKey as DeviceKey, secretKey: kp.secretKey };
    owners.clear();
    owners.set(toHex(device.publicKey), ALICE);
    const key = randomBytes(32);
    const cap = deriveCapability(sodium, key);
    spec = { id: CHAT, kind: 'chat', topic: cap.topic, topicHex: toHex(cap.topic), key, relays: ['ws://one', 'ws://two'] };
  });
  afterEach(() => t.cleanup());

  it('a local change is logged, materialized and sealed once into one outbox row per relay, in one commit', () => {
    const r = registry();
    r.register(spec);
    const id = r.local(CHAT, (doc) => addMessage(doc, { author: ALICE, device: toHex(device.publicKey), sentAt: 7, text: 'hello' }), 'm');
    expect(id.ok).toBe(true);
    expect(r.log.countUpdates(CHAT)).toBe(1);
    const rows = createOutboxStore(db).next('ws://one', 0, 10).concat(createOutboxStore(db).next('ws://two', 0, 10));
    expect(rows.map((x) => x.relay)).toEqual(['ws://one', 'ws://two']);
    expect(rows[0]!.envelope).toEqual(rows[1]!.envelope);
    const opened = openEnvelope(sodium, rows[0]!.envelope, { expectedTopic: spec.topic, attestedSender: device.publicKey, keyForEpoch: (e) => (e === 0 ? spec.key : null) });
    expect(opened.ok && decodeAppMessage(opened.value.plaintext)).toMatchObject({ ok: true, value: { kind: 'sync', sync: 'update' } });
    expect(committed).toHaveLength(1);
    expect(committed[0]!.messages.get(CHAT)!.map((m) => m.text)).toEqual(['hello']);
    expect(createMessageStore(db).page(CHAT).map((m) => m.text)).toEqual(['hello']);
  });

  it('a grouped commit seals one envelope per doc for all its local changes, and a peer applies it whole', () => {
    const r = registry();
    r.register(spec);
    const me = toHex(device.publicKey);
    r.transaction(() => {
      for (let i = 0; i < 5; i++) r.local(CHAT, (doc) => addMessage(doc, { id: `${i}`.repeat(32), author: ALICE, device: me, sentAt: i, text: `m${i}` }), `${i}`.repeat(32));
    });
    expect(committed).toHaveLength(1);
    expect(committed[0]!.appended.get(CHAT)).toBe(1);
    expect(r.log.countUpdates(CHAT)).toBe(1);
    const outbox = createOutboxStore(db);
    const rows = outbox.next('ws://one', 0, 10);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.messageIds).toEqual(['0', '1', '2', '3', '4'].map((d) => d.repeat(32)));
    expect(outbox.next('ws://two', 0, 10)).toHaveLength(1);
    const opened = openEnvelope(sodium, rows[0]!.envelope, { expectedTopic: spec.topic, attestedSender: device.publicKey, keyForEpoch: (e) => (e === 0 ? spec.key : null) });
    const msg = opened.ok ? decodeAppMessage(opened.value.plaintext) : null;
    if (msg === null || !msg.ok || msg.value.kind !== 'sync') throw new Error('not a sync update');
    const peer = new Y.Doc();
    Y.applyUpdate(peer, msg.value.payload);
    expect([...peer.getMap('messages').keys()].sort()).toEqual(['0', '1', '2', '3', '4'].map((d) => d.repeat(32)));
    expect(createMessageStore(db).page(CHAT).map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('a grouped commit with an edit and a peer update in between seals only its own changes, edit included', () => {
    const r = registry();
    r.register(spec);
    const me = toHex(device.publicKey);
    const bobDevice = 'd'.repeat(64);
    owners.set(bobDevice, BOB);
    const bob = new Y.Doc();
    const bobUpdates: Uint8Array[] = [];
    bob.on('update', (u: Uint8Array) => bobUpdates.push(u));
    addMessage(bob, { id: 'b'.repeat(32), author: BOB, device: bobDevice, sentAt: 5, text: 'from Bob' });
    const ids = ['1', '2', '3'].map((d) => d.repeat(32));
    r.transaction(() => {
      r.local(CHAT, (doc) => addMessage(doc, { id: ids[0], author: ALICE, device: me, sentAt: 1, text: 'one' }), ids[0]);
      r.remote([{ doc: CHAT, update: bobUpdates[0]!, author: bobDevice }]);
      r.local(CHAT, (doc) => addMessage(doc, { id: ids[1], author: ALICE, device: me, sentAt: 2, text: 'two' }), ids[1]);
      r.local(CHAT, (doc) => editMessage(doc, ids[0]!, { author: ALICE, device: me, text: 'one, edited', editedAt: 3 }), ids[0]);
      r.local(CHAT, (doc) => getMessage(doc, ids[1]!), null);
      r.local(CHAT, (doc) => addMessage(doc, { id: ids[2], author: ALICE, device: me, sentAt: 4, text: 'three' }), ids[2]);
    });
    const rows = createOutboxStore(db).next('ws://one', 0, 10);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.messageIds).toEqual(ids);
    const opened = openEnvelope(sodium, rows[0]!.envelope, { expectedTopic: spec.topic, attestedSender: device.publicKey, keyForEpoch: (e) => (e === 0 ? spec.key : null) });
    const msg = opened.ok ? decodeAppMessage(opened.value.plaintext) : null;
    if (msg === null || !msg.ok || msg.value.kind !== 'sync') throw new Error('not a sync update');
    // Bob's change is not published again: every struct of the sealed update is this device's.
    expect(Y.decodeUpdate(msg.value.payload).structs.every((x) => x.id.client === r.doc(CHAT).clientID)).toBe(true);
    Y.applyUpdate(bob, msg.value.payload);
    expect(bob.getMap('messages').toJSON()).toEqual(r.doc(CHAT).getMap('messages').toJSON());
    expect(getMessage(bob, ids[0]!)?.text).toBe('one, edited');
    expect(createMessageStore(db).page(CHAT).map((m) => m.text)).toEqual(['one, edited', 'two', 'three', 'from Bob']);
    // The log (Bob's update, then the grouped one) rebuilds the same doc.
    const reloaded = registry();
    reloaded.register(spec);
    expect(reloaded.doc(CHAT).getMap('messages').toJSON()).toEqual(r.doc(CHAT).getMap('messages').toJSON());
  });

  it('a local change that changes nothing writes no log row and no outbox row', () => {
    const r = registry();
    r.register(spec);
    r.local(CHAT, (doc) => getMessage(doc, '1'.repeat(32)), '1'.repeat(32));
    expect(r.log.countUpdates(CHAT)).toBe(0);
    expect(createOutboxStore(db).count()).toBe(0);
  });

  it('a change that throws leaves nothing behind, in the database or in the doc', () => {
    const r = registry();
    r.register(spec);
    expect(() =>
      r.local(CHAT, (doc) => {
        addMessage(doc, { author: ALICE, device: toHex(device.publicKey), sentAt: 7, text: 'half done' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(r.log.countUpdates(CHAT)).toBe(0);
    expect(createOutboxStore(db).count()).toBe(0);
    expect(createMessageStore(db).page(CHAT)).toEqual([]);
    expect(r.doc(CHAT).getMap('messages').size).toBe(0);
  });

  it('remote updates: applied and logged once, cursor advanced with them, authorship enforced', () => {
    const r = registry();
    r.register(spec);
    const bobDevice = 'd'.repeat(64);
    owners.set(bobDevice, BOB);
    const peer = new Y.Doc();
    const updates: Uint8Array[] = [];
    peer.on('update', (u: Uint8Array) => updates.push(u));
    const id = addMessage(peer, { author: BOB, device: bobDevice, sentAt: 9, text: 'from Bob' });
    if (!id.ok) throw new Error('addMessage');
    const topic = spec.topic;
    r.remote([{ doc: CHAT, update: updates[0]!, author: bobDevice }], [{ relay: 'ws://one', storeId: new Uint8Array(16), topic, seq: 5 }]);
    r.remote([{ doc: CHAT, update: updates[0]!, author: bobDevice }], [{ relay: 'ws://one', storeId: new Uint8Array(16), topic, seq: 6 }]);
    expect(r.log.countUpdates(CHAT)).toBe(1);
    expect(db.prepare('SELECT cursor FROM cursors').get()).toEqual({ cursor: 6 });
    expect(createMessageStore(db).get(CHAT, id.value)?.text).toBe('from Bob');

    // Another device (even of a member) may not rewrite Bob's message: the row keeps the original.
    const mallory = 'e'.repeat(64);
    owners.set(mallory, ALICE);
    editMessage(peer, id.value, { author: BOB, device: bobDevice, text: 'forged', editedAt: 10 });
    r.remote([{ doc: CHAT, update: updates.at(-1)!, author: mallory }]);
    expect(getMessage(r.doc(CHAT), id.value)?.text).toBe('forged');
    expect(createMessageStore(db).get(CHAT, id.value)?.text).toBe('from Bob');

    // A message claiming an author whose device list does not hold the writing device is not shown.
    const bad = addMessage(peer, { author: BOB, device: mallory, sentAt: 11, text: 'claims to be Bob' });
    if (!bad.ok) throw new Error('addMessage');
    r.remote([{ doc: CHAT, update: updates.at(-1)!, author: mallory }]);
    expect(createMessageStore(db).get(CHAT, bad.value)).toBeNull();
  });

  it('keeps the persisted clientID of each doc across reloads of its own updates', () => {
    const first = registry();
    first.register(spec);
    first.local(CHAT, (doc) => addMessage(doc, { author: ALICE, device: toHex(device.publicKey), sentAt: 1, text: 'one' }));
    const clientId = (db.prepare('SELECT client_id FROM docs WHERE doc = ?').get(CHAT) as { client_id: number }).client_id;
    expect(first.doc(CHAT).clientID).toBe(clientId);
    const second = registry();
    second.register(spec);
    expect(second.doc(CHAT).clientID).toBe(clientId);
    second.local(CHAT, (doc) => addMessage(doc, { author: ALICE, device: toHex(device.publicKey), sentAt: 2, text: 'two' }));
    expect(second.doc(CHAT).clientID).toBe(clientId);
    expect([...Y.decodeStateVector(Y.encodeStateVector(second.doc(CHAT))).keys()]).toEqual([clientId]);
  });
});
