import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  acceptChat,
  ACCOUNT_DOC_ROOTS,
  addChat,
  blockChat,
  deleteSetting,
  getChat,
  getContact,
  getDevice,
  getProfile,
  getReadMarker,
  getSetting,
  listChats,
  listContacts,
  listDevices,
  listReadMarkers,
  listSettings,
  putContact,
  putDevice,
  removeContact,
  removeDevice,
  setContactBlocked,
  setProfile,
  setReadMarker,
  setSetting,
  updateChat,
} from './account-doc.js';
import type { ChatEntry, ContactEntry } from './account-doc.js';

const hex = (n: number, chars: number): string => n.toString(16).padStart(chars, '0');
const acct = (n: number): string => hex(n, 64);
const chatId = (n: number): string => hex(n, 32);
const msg = (n: number): string => hex(n, 32);

function chat(n: number, over: Partial<ChatEntry> = {}): ChatEntry {
  return { chatId: chatId(n), key: hex(0xabc + n, 64), relays: ['wss://r.example'], title: `chat ${n}`, members: [acct(1), acct(2)], createdAt: 1000 + n, createdBy: acct(1), request: false, ...over };
}
const contact = (n: number, over: Partial<ContactEntry> = {}): ContactEntry => ({ accountId: acct(n), name: `person ${n}`, relays: ['wss://r.example'], addedAt: 100 + n, ...over });

/** Both directions of a full exchange, as two devices converging through sync step 1/2. */
function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('account doc', () => {
  it('stores and lists contacts, chats, settings, profile and devices', () => {
    const doc = new Y.Doc();
    putContact(doc, contact(3));
    putContact(doc, contact(2, { addedAt: 50 }));
    expect(listContacts(doc).map((c) => c.accountId)).toEqual([acct(2), acct(3)]);
    expect(getContact(doc, acct(3))).toEqual(contact(3));
    expect(setContactBlocked(doc, acct(3), true)).toBe(true);
    expect(getContact(doc, acct(3))?.blocked).toBe(true);
    expect(setContactBlocked(doc, acct(3), false)).toBe(true);
    expect(getContact(doc, acct(3))).toEqual(contact(3));
    expect(removeContact(doc, acct(2))).toBe(true);
    expect(removeContact(doc, acct(2))).toBe(false);
    expect(setContactBlocked(doc, acct(2), true)).toBe(false);

    expect(addChat(doc, chat(1, { request: true }))).toBe(true);
    expect(addChat(doc, chat(1, { title: 'again' }))).toBe(false);
    expect(getChat(doc, chatId(1))).toEqual(chat(1, { request: true }));
    expect(acceptChat(doc, chatId(1))).toBe(true);
    expect(getChat(doc, chatId(1))?.request).toBe(false);
    expect(updateChat(doc, chatId(1), { title: null, members: [acct(1), acct(2), acct(4)] })).toBe(true);
    expect(getChat(doc, chatId(1))).toMatchObject({ title: null, members: [acct(1), acct(2), acct(4)], key: chat(1).key });
    addChat(doc, chat(2, { request: true }));
    expect(blockChat(doc, chatId(2))).toBe(true);
    expect(getChat(doc, chatId(2))).toMatchObject({ blocked: true, request: false });
    expect(acceptChat(doc, chatId(2))).toBe(false);
    expect(acceptChat(doc, chatId(9))).toBe(false);
    expect(listChats(doc).map((c) => c.chatId)).toEqual([chatId(1), chatId(2)]);

    setSetting(doc, 'theme', 'dark');
    setSetting(doc, 'notify', false);
    setSetting(doc, 'timer', 3600);
    deleteSetting(doc, 'timer');
    expect(getSetting(doc, 'theme')).toBe('dark');
    expect(getSetting(doc, 'timer')).toBeUndefined();
    expect(listSettings(doc)).toEqual({ theme: 'dark', notify: false });
    expect(() => setSetting(doc, 'bad', Number.NaN)).toThrow(TypeError);

    expect(getProfile(doc)).toBeNull();
    setProfile(doc, { name: 'Ada', status: 'hi', avatarMime: 'image/png', avatar: 'iVBORw0KGgo=' });
    expect(getProfile(doc)).toEqual({ name: 'Ada', status: 'hi', avatarMime: 'image/png', avatar: 'iVBORw0KGgo=' });
    setProfile(doc, { name: 'Ada L.', status: 'hi' });
    expect(getProfile(doc)).toEqual({ name: 'Ada L.', status: 'hi' });
    expect(() => setProfile(doc, { name: 'x', status: '', avatar: 'AA==' })).toThrow(TypeError);

    putDevice(doc, { device: acct(7), name: 'laptop', addedAt: 5 });
    putDevice(doc, { device: acct(6), name: 'phone', addedAt: 9 });
    expect(listDevices(doc)).toEqual([{ device: acct(7), name: 'laptop', addedAt: 5 }, { device: acct(6), name: 'phone', addedAt: 9 }]);
    expect(getDevice(doc, acct(6))?.name).toBe('phone');
    expect(removeDevice(doc, acct(6))).toBe(true);
    expect(listDevices(doc)).toHaveLength(1);
  });

  it('throws on programmer errors in writes', () => {
    const doc = new Y.Doc();
    expect(() => putContact(doc, contact(1, { accountId: 'AB' }))).toThrow(TypeError);
    expect(() => putContact(doc, contact(1, { accountId: acct(1).toUpperCase().replace(/^0/, 'F') }))).toThrow(TypeError);
    expect(() => addChat(doc, chat(1, { key: 'zz' }))).toThrow(TypeError);
    expect(() => addChat(doc, chat(1, { members: ['nope'] }))).toThrow(TypeError);
    expect(() => putDevice(doc, { device: acct(1), name: 'x', addedAt: -1 })).toThrow(TypeError);
    expect(() => setReadMarker(doc, chatId(1), { messageId: 'x', sentAt: 1 })).toThrow(TypeError);
  });

  it('moves read markers only forward (later sentAt, then larger id)', () => {
    const doc = new Y.Doc();
    expect(getReadMarker(doc, chatId(1))).toBeNull();
    expect(setReadMarker(doc, chatId(1), { messageId: msg(5), sentAt: 100 })).toBe(true);
    expect(setReadMarker(doc, chatId(1), { messageId: msg(9), sentAt: 99 })).toBe(false);
    expect(setReadMarker(doc, chatId(1), { messageId: msg(5), sentAt: 100 })).toBe(false);
    expect(setReadMarker(doc, chatId(1), { messageId: msg(4), sentAt: 100 })).toBe(false);
    expect(getReadMarker(doc, chatId(1))).toEqual({ messageId: msg(5), sentAt: 100 });
    expect(setReadMarker(doc, chatId(1), { messageId: msg(6), sentAt: 100 })).toBe(true);
    expect(setReadMarker(doc, chatId(1), { messageId: msg(1), sentAt: 101 })).toBe(true);
    expect(getReadMarker(doc, chatId(1))).toEqual({ messageId: msg(1), sentAt: 101 });
    setReadMarker(doc, chatId(2), { messageId: msg(2), sentAt: 7 });
    expect(listReadMarkers(doc)).toEqual(new Map([[chatId(1), { messageId: msg(1), sentAt: 101 }], [chatId(2), { messageId: msg(2), sentAt: 7 }]]));
  });

  it('converges across two devices syncing with state vectors', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    putContact(a, contact(1));
    addChat(a, chat(1));
    setProfile(a, { name: 'Ada', status: '' });
    sync(a, b);
    // Concurrent, unrelated edits on both devices.
    putContact(b, contact(2));
    addChat(b, chat(2, { request: true }));
    setProfile(a, { name: 'Ada', status: 'busy' });
    setProfile(b, { name: 'Ada Lovelace', status: '' });
    setReadMarker(a, chatId(1), { messageId: msg(3), sentAt: 30 });
    putDevice(b, { device: acct(8), name: 'desk', addedAt: 1 });
    setSetting(a, 'theme', 'light');
    sync(a, b);
    for (const doc of [a, b]) {
      expect(listContacts(doc).map((c) => c.accountId)).toEqual([acct(1), acct(2)]);
      expect(listChats(doc).map((c) => [c.chatId, c.request])).toEqual([[chatId(1), false], [chatId(2), true]]);
      expect(getProfile(doc)).toEqual({ name: 'Ada Lovelace', status: 'busy' });
      expect(getReadMarker(doc, chatId(1))).toEqual({ messageId: msg(3), sentAt: 30 });
      expect(listDevices(doc).map((d) => d.device)).toEqual([acct(8)]);
      expect(getSetting(doc, 'theme')).toBe('light');
    }
    expect(a.getMap(ACCOUNT_DOC_ROOTS.chats).toJSON()).toEqual(b.getMap(ACCOUNT_DOC_ROOTS.chats).toJSON());
    // A marker synced from another device is the base for "forward only" here too.
    expect(setReadMarker(b, chatId(1), { messageId: msg(2), sentAt: 29 })).toBe(false);
  });

  it('ignores entries with the wrong shape instead of throwing', () => {
    const doc = new Y.Doc();
    putContact(doc, contact(1));
    addChat(doc, chat(1));
    const contacts = doc.getMap(ACCOUNT_DOC_ROOTS.contacts);
    contacts.set(acct(2), { accountId: acct(3), name: 'key mismatch', relays: [], addedAt: 1 });
    contacts.set(acct(4), { accountId: acct(4), name: 42, relays: [], addedAt: 1 });
    contacts.set(acct(5), 'a string');
    contacts.set('not-hex', { accountId: 'not-hex', name: 'x', relays: [], addedAt: 1 });
    contacts.set(acct(6), { accountId: acct(6), name: 'x', relays: [1], addedAt: 1 });
    const chats = doc.getMap(ACCOUNT_DOC_ROOTS.chats);
    chats.set(chatId(2), { ...chat(2), key: 'short' });
    chats.set(chatId(3), { ...chat(3), members: [acct(1), 7] });
    chats.set(chatId(4), { ...chat(4), request: 'yes' });
    chats.set(chatId(5), null);
    chats.set(chatId(6), [chat(6)]);
    doc.getMap(ACCOUNT_DOC_ROOTS.readMarkers).set(chatId(1), { messageId: msg(1), sentAt: -5 });
    doc.getMap(ACCOUNT_DOC_ROOTS.devices).set(acct(9), { name: 'x', addedAt: 1.5 });
    doc.getMap(ACCOUNT_DOC_ROOTS.settings).set('weird', { nested: true });
    doc.getMap(ACCOUNT_DOC_ROOTS.profile).set('name', 12);

    expect(listContacts(doc).map((c) => c.accountId)).toEqual([acct(1)]);
    expect(getContact(doc, acct(2))).toBeNull();
    expect(listChats(doc).map((c) => c.chatId)).toEqual([chatId(1)]);
    expect(getChat(doc, chatId(5))).toBeNull();
    expect(acceptChat(doc, chatId(4))).toBe(false);
    expect(getReadMarker(doc, chatId(1))).toBeNull();
    expect(listReadMarkers(doc).size).toBe(0);
    // A malformed marker does not block a valid one from replacing it.
    expect(setReadMarker(doc, chatId(1), { messageId: msg(1), sentAt: 1 })).toBe(true);
    expect(listDevices(doc)).toEqual([]);
    expect(getSetting(doc, 'weird')).toBeUndefined();
    expect(listSettings(doc)).toEqual({});
    expect(getProfile(doc)).toBeNull();
  });
});
