import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_MESSAGE_TEXT } from '../limits.js';
import {
  acceptMessageChange,
  addMessage,
  CHAT_DOC_ROOTS,
  deleteMessage,
  editMessage,
  getChatMeta,
  getMember,
  getMessage,
  getRead,
  initChat,
  listMembers,
  listMessages,
  listReads,
  messageValueOf,
  observeMessages,
  previousMessageValue,
  putMember,
  removeMember,
  setChatTitle,
  setRead,
} from './chat-doc.js';
import type { MessageValue } from './chat-doc.js';

const hex = (n: number, chars: number): string => n.toString(16).padStart(chars, '0');
const alice = { author: hex(0xa1, 64), device: hex(0xad, 64) };
const bob = { author: hex(0xb0, 64), device: hex(0xbd, 64) };
const alicePhone = { author: alice.author, device: hex(0xae, 64) };

function unwrap<T>(r: { ok: true; value: T } | { ok: false; code: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}`);
  return r.value;
}

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
}

describe('chat doc messages', () => {
  it('adds messages with random 16-byte hex ids and lists them by sentAt, then id', () => {
    const doc = new Y.Doc();
    const late = unwrap(addMessage(doc, { ...alice, sentAt: 300, text: 'third' }));
    const early = unwrap(addMessage(doc, { ...bob, sentAt: 100, text: 'first', replyTo: hex(1, 32) }));
    unwrap(addMessage(doc, { ...alice, id: hex(0xff, 32), sentAt: 200, text: 'tie b' }));
    unwrap(addMessage(doc, { ...bob, id: hex(0x01, 32), sentAt: 200, text: 'tie a' }));
    expect(late).toMatch(/^[0-9a-f]{32}$/);
    expect(late).not.toBe(early);
    expect(listMessages(doc).map((m) => m.text)).toEqual(['first', 'tie a', 'tie b', 'third']);
    expect(getMessage(doc, early)).toEqual({ id: early, ...bob, sentAt: 100, text: 'first', replyTo: hex(1, 32) });
    expect(getMessage(doc, hex(0x99, 32))).toBeNull();
    expect(addMessage(doc, { ...alice, id: hex(0xff, 32), sentAt: 1, text: 'dup' })).toMatchObject({ ok: false, code: 'EXISTS' });
    expect(() => addMessage(doc, { ...alice, author: 'nope', sentAt: 1, text: '' })).toThrow(TypeError);
  });

  it('limits text to MAX_MESSAGE_TEXT UTF-8 bytes', () => {
    const doc = new Y.Doc();
    expect(addMessage(doc, { ...alice, sentAt: 1, text: 'x'.repeat(MAX_MESSAGE_TEXT) }).ok).toBe(true);
    expect(addMessage(doc, { ...alice, sentAt: 1, text: 'x'.repeat(MAX_MESSAGE_TEXT + 1) })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(addMessage(doc, { ...alice, sentAt: 1, text: 'é'.repeat(MAX_MESSAGE_TEXT / 2) }).ok).toBe(true);
    expect(addMessage(doc, { ...alice, sentAt: 1, text: 'é'.repeat(MAX_MESSAGE_TEXT / 2 + 1) })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    expect(addMessage(doc, { ...alice, sentAt: 1, text: '🧮'.repeat(MAX_MESSAGE_TEXT / 4 + 1) })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
    const id = unwrap(addMessage(doc, { ...alice, sentAt: 1, text: 'short' }));
    expect(editMessage(doc, id, { ...alice, text: 'y'.repeat(MAX_MESSAGE_TEXT + 1), editedAt: 2 })).toMatchObject({ ok: false, code: 'TOO_LARGE' });
  });

  it('lets only the writing device edit and delete; a deletion clears the text and is final', () => {
    const doc = new Y.Doc();
    const id = unwrap(addMessage(doc, { ...alice, sentAt: 10, text: 'helo', replyTo: hex(5, 32) }));
    expect(editMessage(doc, id, { ...bob, text: 'pwned', editedAt: 11 })).toMatchObject({ ok: false, code: 'NOT_AUTHOR' });
    expect(editMessage(doc, id, { ...alicePhone, text: 'other device', editedAt: 11 })).toMatchObject({ ok: false, code: 'NOT_AUTHOR' });
    expect(editMessage(doc, hex(7, 32), { ...alice, text: 'x', editedAt: 11 })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(editMessage(doc, id, { ...alice, text: 'hello', editedAt: 12 }).ok).toBe(true);
    expect(getMessage(doc, id)).toEqual({ id, ...alice, sentAt: 10, text: 'hello', replyTo: hex(5, 32), editedAt: 12 });
    expect(deleteMessage(doc, id, { ...bob, deletedAt: 13 })).toMatchObject({ ok: false, code: 'NOT_AUTHOR' });
    expect(deleteMessage(doc, id, { ...alice, deletedAt: 14 }).ok).toBe(true);
    expect(getMessage(doc, id)).toEqual({ id, ...alice, sentAt: 10, text: '', editedAt: 14, deleted: true });
    expect(deleteMessage(doc, id, { ...alice, deletedAt: 15 }).ok).toBe(true);
    expect(editMessage(doc, id, { ...alice, text: 'back', editedAt: 16 })).toMatchObject({ ok: false, code: 'DELETED' });
  });

  it('keeps the original when another member overwrites a message (enforced against the original on read)', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const id = unwrap(addMessage(a, { ...alice, sentAt: 10, text: 'original' }));
    sync(a, b);
    const original = messageValueOf(a.getMap(CHAT_DOC_ROOTS.messages).get(id))!;
    // Bob's client writes the doc directly, bypassing editMessage, once as himself and once claiming to be Alice's phone.
    b.getMap(CHAT_DOC_ROOTS.messages).set(id, { ...bob, sentAt: 10, text: 'forged by bob' });
    sync(a, b);
    expect(getMessage(a, id)?.text).toBe('forged by bob');
    expect(getMessage(a, id, original)).toEqual({ id, ...original });
    b.getMap(CHAT_DOC_ROOTS.messages).set(id, { ...alicePhone, sentAt: 10, text: 'forged device' });
    expect(getMessage(b, id, original)?.text).toBe('original');
    b.getMap(CHAT_DOC_ROOTS.messages).delete(id);
    expect(getMessage(b, id)).toBeNull();
    expect(getMessage(b, id, original)?.text).toBe('original');

    const edited: MessageValue = { ...original, text: 'edited', editedAt: 11 };
    expect(acceptMessageChange(original, edited)).toBe(edited);
    expect(acceptMessageChange(original, { ...edited, sentAt: 1 })).toBe(original);
    expect(acceptMessageChange(null, edited, alice.device)).toBe(edited);
    expect(acceptMessageChange(null, edited, bob.device)).toBeNull();
    expect(acceptMessageChange(original, edited, bob.device)).toBe(original);
    const tombstone: MessageValue = { ...original, text: '', deleted: true };
    expect(acceptMessageChange(tombstone, edited)).toBe(tombstone);
    expect(acceptMessageChange(original, null)).toBe(original);
  });

  it('converges and orders identically when two devices add messages concurrently', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    for (let i = 0; i < 50; i++) {
      unwrap(addMessage(a, { ...alice, sentAt: 1000 + i * 2, text: `a${i}` }));
      unwrap(addMessage(b, { ...bob, sentAt: 1000 + i * 2 + (i % 3 === 0 ? 0 : 1), text: `b${i}` }));
    }
    unwrap(addMessage(a, { ...alice, id: hex(2, 32), sentAt: 5000, text: 'same time, id 2' }));
    unwrap(addMessage(b, { ...bob, id: hex(1, 32), sentAt: 5000, text: 'same time, id 1' }));
    sync(a, b);
    const listA = listMessages(a);
    expect(listA).toHaveLength(102);
    expect(listMessages(b)).toEqual(listA);
    expect(listA.slice(-2).map((m) => m.text)).toEqual(['same time, id 1', 'same time, id 2']);
    for (let i = 1; i < listA.length; i++) {
      const [p, c] = [listA[i - 1]!, listA[i]!];
      expect(p.sentAt < c.sentAt || (p.sentAt === c.sentAt && p.id < c.id)).toBe(true);
    }
  });

  it('reports the ids each transaction touched, with the origin and the previous values', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const seen: { ids: string[]; origin: unknown; local: boolean; previous: (MessageValue | null)[] }[] = [];
    const stop = observeMessages(b, (ids, tr, event) => seen.push({ ids: [...ids].sort(), origin: tr.origin, local: tr.local, previous: ids.map((id) => previousMessageValue(event, id)) }));
    const id1 = unwrap(addMessage(a, { ...alice, id: hex(1, 32), sentAt: 1, text: 'one' }));
    const id2 = unwrap(addMessage(a, { ...alice, id: hex(2, 32), sentAt: 2, text: 'two' }));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a), { sender: alice.device });
    expect(seen).toEqual([{ ids: [id1, id2], origin: { sender: alice.device }, local: false, previous: [null, null] }]);
    const before = Y.encodeStateVector(a);
    unwrap(editMessage(a, id1, { ...alice, text: 'one!', editedAt: 3 }));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, before), 'peer');
    expect(seen[1]).toMatchObject({ ids: [id1], origin: 'peer', previous: [{ ...alice, sentAt: 1, text: 'one' }] });
    unwrap(addMessage(b, { ...bob, id: hex(3, 32), sentAt: 4, text: 'three' }));
    expect(seen[2]).toMatchObject({ ids: [hex(3, 32)], local: true });
    b.getMap(CHAT_DOC_ROOTS.meta).set('title', 'not a message');
    expect(seen).toHaveLength(3);
    stop();
    unwrap(addMessage(b, { ...bob, sentAt: 5, text: 'unobserved' }));
    expect(seen).toHaveLength(3);
  });

  it('ignores message entries with the wrong shape', () => {
    const doc = new Y.Doc();
    const good = unwrap(addMessage(doc, { ...alice, sentAt: 1, text: 'ok' }));
    const m = doc.getMap(CHAT_DOC_ROOTS.messages);
    m.set(hex(2, 32), { ...alice, sentAt: '1', text: 'x' });
    m.set(hex(3, 32), { ...alice, sentAt: 1, text: 5 });
    m.set(hex(4, 32), { ...alice, author: 'short', sentAt: 1, text: 'x' });
    m.set(hex(5, 32), { ...alice, sentAt: 1, text: 'x', deleted: 'yes' });
    m.set(hex(6, 32), { ...alice, sentAt: 1, text: 'x', replyTo: 7 });
    m.set(hex(7, 32), { ...alice, sentAt: 1, text: 'x'.repeat(MAX_MESSAGE_TEXT + 1) });
    m.set(hex(8, 32), 'text only');
    m.set('not-an-id', { ...alice, sentAt: 1, text: 'x' });
    m.set(hex(9, 32), { ...alice, sentAt: 2, text: 'secret', deleted: true, replyTo: hex(1, 32) });
    expect(listMessages(doc).map((x) => x.id)).toEqual([good, hex(9, 32)]);
    expect(getMessage(doc, hex(9, 32))).toEqual({ id: hex(9, 32), ...alice, sentAt: 2, text: '', deleted: true });
    expect(getMessage(doc, hex(3, 32))).toBeNull();
    expect(editMessage(doc, hex(3, 32), { ...alice, text: 'x', editedAt: 1 })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });
});

describe('chat doc meta, members and reads', () => {
  it('initialises meta and members and syncs them', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    expect(getChatMeta(a)).toBeNull();
    initChat(a, { title: 'Lunch', createdAt: 50, createdBy: alice.author, members: [{ account: alice.author, role: 'admin', addedAt: 50 }, { account: bob.author, role: 'member', addedAt: 50 }] });
    sync(a, b);
    expect(getChatMeta(b)).toEqual({ title: 'Lunch', createdAt: 50, createdBy: alice.author });
    setChatTitle(b, null);
    putMember(b, { account: hex(0xc0, 64), role: 'member', addedAt: 60 });
    expect(removeMember(a, bob.author)).toBe(true);
    expect(removeMember(a, bob.author)).toBe(false);
    sync(a, b);
    for (const doc of [a, b]) {
      expect(getChatMeta(doc)?.title).toBeNull();
      expect(listMembers(doc).map((m) => [m.account, m.role])).toEqual([[alice.author, 'admin'], [hex(0xc0, 64), 'member']]);
    }
    expect(getMember(a, alice.author)).toEqual({ account: alice.author, role: 'admin', addedAt: 50 });
    a.getMap(CHAT_DOC_ROOTS.members).set(hex(0xd0, 64), { role: 'owner', addedAt: 1 });
    a.getMap(CHAT_DOC_ROOTS.meta).set('title', 7);
    expect(getMember(a, hex(0xd0, 64))).toBeNull();
    expect(listMembers(a)).toHaveLength(2);
    expect(getChatMeta(a)?.title).toBeNull();
    expect(() => setChatTitle(a, 'x'.repeat(300))).toThrow(TypeError);
    expect(() => putMember(a, { account: alice.author, role: 'owner' as 'admin', addedAt: 1 })).toThrow(TypeError);
  });

  it('moves each account read position only forward', () => {
    const doc = new Y.Doc();
    expect(setRead(doc, alice.author, { messageId: hex(5, 32), sentAt: 10 })).toBe(true);
    expect(setRead(doc, alice.author, { messageId: hex(9, 32), sentAt: 9 })).toBe(false);
    expect(setRead(doc, alice.author, { messageId: hex(6, 32), sentAt: 10 })).toBe(true);
    expect(setRead(doc, bob.author, { messageId: hex(1, 32), sentAt: 1 })).toBe(true);
    expect(getRead(doc, alice.author)).toEqual({ messageId: hex(6, 32), sentAt: 10 });
    doc.getMap(CHAT_DOC_ROOTS.reads).set(hex(0xc0, 64), { messageId: 'x', sentAt: 1 });
    expect(listReads(doc)).toEqual(new Map([[alice.author, { messageId: hex(6, 32), sentAt: 10 }], [bob.author, { messageId: hex(1, 32), sentAt: 1 }]]));
  });
});
