// The account doc (docs/client-design.md): a private Y.Doc synced among one account's devices. Values are
// plain objects, one Y.Map entry per contact, chat, device or read marker. Reads validate every value and
// skip what has the wrong shape, because another device (perhaps a newer release) wrote it.
import type * as Y from 'yjs';
import { ACCOUNT_HEX_CHARS, CHAT_ID_HEX_CHARS, DEVICE_HEX_CHARS, isHexArray, isHexId, isLaterMarker, isPlainObject, isStringArray, isTimestamp, KEY_HEX_CHARS, readMarkerOf, requireHex, requireTimestamp } from './values.js';
import type { ReadMarker } from './values.js';

export type { ReadMarker } from './values.js';

export const ACCOUNT_DOC_ROOTS = { contacts: 'contacts', chats: 'chats', settings: 'settings', profile: 'profile', readMarkers: 'readMarkers', devices: 'devices' } as const;

export type ContactEntry = { accountId: string; name: string; relays: string[]; addedAt: number; blocked?: true };
export type ChatEntry = {
  chatId: string;
  /** The chat key, 32 bytes as hex. */
  key: string;
  relays: string[];
  title: string | null;
  /** Every member's account id (hex), this account included. */
  members: string[];
  createdAt: number;
  createdBy: string;
  /** An invite from someone who is not a contact yet, neither accepted nor blocked. */
  request: boolean;
  blocked?: true;
  /** Key epoch of `key`: 0 (absent) for the chat's first key, raised by each device revocation (KEY_EPOCH). */
  epoch?: number;
};
export type DeviceEntry = { device: string; name: string; addedAt: number };
export type AccountProfile = { name: string; status: string; avatarMime?: string; avatar?: string };
export type SettingValue = string | number | boolean | null;

const map = (doc: Y.Doc, root: keyof typeof ACCOUNT_DOC_ROOTS): Y.Map<unknown> => doc.getMap<unknown>(ACCOUNT_DOC_ROOTS[root]);

function contactOf(key: string, v: unknown): ContactEntry | null {
  if (!isPlainObject(v) || v.accountId !== key || !isHexId(key, ACCOUNT_HEX_CHARS)) return null;
  if (typeof v.name !== 'string' || !isStringArray(v.relays) || !isTimestamp(v.addedAt)) return null;
  const c: ContactEntry = { accountId: key, name: v.name, relays: [...v.relays], addedAt: v.addedAt };
  if (v.blocked === true) c.blocked = true;
  return c;
}

function chatOf(key: string, v: unknown): ChatEntry | null {
  if (!isPlainObject(v) || v.chatId !== key || !isHexId(key, CHAT_ID_HEX_CHARS) || !isHexId(v.key, KEY_HEX_CHARS)) return null;
  if (!isStringArray(v.relays) || !(v.title === null || typeof v.title === 'string') || !isHexArray(v.members, ACCOUNT_HEX_CHARS)) return null;
  if (!isTimestamp(v.createdAt) || !isHexId(v.createdBy, ACCOUNT_HEX_CHARS) || typeof v.request !== 'boolean') return null;
  const c: ChatEntry = { chatId: key, key: v.key, relays: [...v.relays], title: v.title, members: [...v.members], createdAt: v.createdAt, createdBy: v.createdBy, request: v.request };
  if (v.blocked === true) c.blocked = true;
  if (typeof v.epoch === 'number' && Number.isSafeInteger(v.epoch) && v.epoch > 0) c.epoch = v.epoch;
  return c;
}

function deviceOf(key: string, v: unknown): DeviceEntry | null {
  if (!isHexId(key, DEVICE_HEX_CHARS) || !isPlainObject(v) || typeof v.name !== 'string' || !isTimestamp(v.addedAt)) return null;
  return { device: key, name: v.name, addedAt: v.addedAt };
}

function listOf<T>(m: Y.Map<unknown>, parse: (key: string, v: unknown) => T | null): T[] {
  const out: T[] = [];
  for (const [key, v] of m.entries()) {
    const parsed = parse(key, v);
    if (parsed !== null) out.push(parsed);
  }
  return out;
}

const byTimeThenKey = <T>(time: (t: T) => number, key: (t: T) => string) => (a: T, b: T): number =>
  time(a) - time(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

// ---- contacts

export function putContact(doc: Y.Doc, contact: ContactEntry): void {
  requireHex(contact.accountId, ACCOUNT_HEX_CHARS, 'accountId');
  requireTimestamp(contact.addedAt, 'addedAt');
  const value: ContactEntry = { accountId: contact.accountId, name: contact.name, relays: [...contact.relays], addedAt: contact.addedAt };
  if (contact.blocked === true) value.blocked = true;
  map(doc, 'contacts').set(contact.accountId, value);
}

export function getContact(doc: Y.Doc, accountId: string): ContactEntry | null {
  return contactOf(accountId, map(doc, 'contacts').get(accountId));
}

/** Oldest first (addedAt, then account id). */
export function listContacts(doc: Y.Doc): ContactEntry[] {
  return listOf(map(doc, 'contacts'), contactOf).sort(byTimeThenKey((c) => c.addedAt, (c) => c.accountId));
}

export function removeContact(doc: Y.Doc, accountId: string): boolean {
  const m = map(doc, 'contacts');
  if (!m.has(accountId)) return false;
  m.delete(accountId);
  return true;
}

/** false when there is no such (valid) contact. */
export function setContactBlocked(doc: Y.Doc, accountId: string, blocked: boolean): boolean {
  const c = getContact(doc, accountId);
  if (c === null) return false;
  if (blocked) c.blocked = true;
  else delete c.blocked;
  putContact(doc, c);
  return true;
}

// ---- chats

export function putChat(doc: Y.Doc, chat: ChatEntry): void {
  requireHex(chat.chatId, CHAT_ID_HEX_CHARS, 'chatId');
  requireHex(chat.key, KEY_HEX_CHARS, 'key');
  requireHex(chat.createdBy, ACCOUNT_HEX_CHARS, 'createdBy');
  for (const m of chat.members) requireHex(m, ACCOUNT_HEX_CHARS, 'member');
  requireTimestamp(chat.createdAt, 'createdAt');
  const value: ChatEntry = { chatId: chat.chatId, key: chat.key, relays: [...chat.relays], title: chat.title, members: [...chat.members], createdAt: chat.createdAt, createdBy: chat.createdBy, request: chat.request };
  if (chat.blocked === true) value.blocked = true;
  if (chat.epoch !== undefined && chat.epoch > 0) value.epoch = chat.epoch;
  map(doc, 'chats').set(chat.chatId, value);
}

/** Adds a chat unless the doc already has it (an invite repeated, or known from another device); true when added. */
export function addChat(doc: Y.Doc, chat: ChatEntry): boolean {
  if (getChat(doc, chat.chatId) !== null) return false;
  putChat(doc, chat);
  return true;
}

export function getChat(doc: Y.Doc, chatId: string): ChatEntry | null {
  return chatOf(chatId, map(doc, 'chats').get(chatId));
}

/** Every valid chat, blocked ones included (callers filter); oldest first. */
export function listChats(doc: Y.Doc): ChatEntry[] {
  return listOf(map(doc, 'chats'), chatOf).sort(byTimeThenKey((c) => c.createdAt, (c) => c.chatId));
}

export type ChatPatch = Partial<Pick<ChatEntry, 'title' | 'members' | 'relays'>>;

export function updateChat(doc: Y.Doc, chatId: string, patch: ChatPatch): boolean {
  const c = getChat(doc, chatId);
  if (c === null) return false;
  putChat(doc, { ...c, ...patch });
  return true;
}

/** Turns a message request into an ordinary chat. */
export function acceptChat(doc: Y.Doc, chatId: string): boolean {
  const c = getChat(doc, chatId);
  if (c === null || c.blocked === true) return false;
  putChat(doc, { ...c, request: false });
  return true;
}

/** Marks the chat blocked: the entry stays (with its key, to unregister) so a repeated invite is not re-added. */
export function blockChat(doc: Y.Doc, chatId: string): boolean {
  const c = getChat(doc, chatId);
  if (c === null) return false;
  putChat(doc, { ...c, request: false, blocked: true });
  return true;
}

// ---- settings

function isSettingValue(v: unknown): v is SettingValue {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

export function getSetting(doc: Y.Doc, key: string): SettingValue | undefined {
  const v = map(doc, 'settings').get(key);
  return isSettingValue(v) ? v : undefined;
}

export function setSetting(doc: Y.Doc, key: string, value: SettingValue): void {
  if (!isSettingValue(value)) throw new TypeError(`setting ${key} must be a string, finite number, boolean or null`);
  map(doc, 'settings').set(key, value);
}

export function deleteSetting(doc: Y.Doc, key: string): void {
  map(doc, 'settings').delete(key);
}

export function listSettings(doc: Y.Doc): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const [key, v] of map(doc, 'settings').entries()) if (isSettingValue(v)) out[key] = v;
  return out;
}

// ---- profile (one key per field, so two devices changing name and status at once both win)

export function getProfile(doc: Y.Doc): AccountProfile | null {
  const m = map(doc, 'profile');
  const name = m.get('name');
  if (typeof name !== 'string') return null;
  const status = m.get('status');
  const p: AccountProfile = { name, status: typeof status === 'string' ? status : '' };
  const avatarMime = m.get('avatarMime');
  const avatar = m.get('avatar');
  if (typeof avatarMime === 'string' && typeof avatar === 'string') {
    p.avatarMime = avatarMime;
    p.avatar = avatar;
  }
  return p;
}

/** Writes only the fields that changed; an absent avatar removes it. */
export function setProfile(doc: Y.Doc, profile: AccountProfile): void {
  if ((profile.avatar === undefined) !== (profile.avatarMime === undefined)) throw new TypeError('avatar and avatarMime go together');
  const m = map(doc, 'profile');
  doc.transact(() => {
    const fields: [string, string | undefined][] = [['name', profile.name], ['status', profile.status], ['avatarMime', profile.avatarMime], ['avatar', profile.avatar]];
    for (const [key, value] of fields) {
      if (value === undefined) {
        if (m.has(key)) m.delete(key);
      } else if (m.get(key) !== value) m.set(key, value);
    }
  });
}

// ---- read markers (forward only)

export function getReadMarker(doc: Y.Doc, chatId: string): ReadMarker | null {
  return readMarkerOf(map(doc, 'readMarkers').get(chatId));
}

/**
 * Moves the chat's read marker forward; true when it moved. Two devices setting markers concurrently resolve
 * by Yjs's last-writer rule, which can keep the earlier one until the next read moves it again.
 */
export function setReadMarker(doc: Y.Doc, chatId: string, marker: ReadMarker): boolean {
  requireHex(chatId, CHAT_ID_HEX_CHARS, 'chatId');
  if (readMarkerOf(marker) === null) throw new TypeError('read marker must be {messageId: 32 hex, sentAt: timestamp}');
  const current = getReadMarker(doc, chatId);
  if (current !== null && !isLaterMarker(marker, current)) return false;
  map(doc, 'readMarkers').set(chatId, { messageId: marker.messageId, sentAt: marker.sentAt });
  return true;
}

export function listReadMarkers(doc: Y.Doc): Map<string, ReadMarker> {
  const out = new Map<string, ReadMarker>();
  for (const [key, v] of map(doc, 'readMarkers').entries()) {
    const marker = readMarkerOf(v);
    if (marker !== null && isHexId(key, CHAT_ID_HEX_CHARS)) out.set(key, marker);
  }
  return out;
}

// ---- devices

export function putDevice(doc: Y.Doc, device: DeviceEntry): void {
  requireHex(device.device, DEVICE_HEX_CHARS, 'device');
  requireTimestamp(device.addedAt, 'addedAt');
  map(doc, 'devices').set(device.device, { name: device.name, addedAt: device.addedAt });
}

export function getDevice(doc: Y.Doc, device: string): DeviceEntry | null {
  return deviceOf(device, map(doc, 'devices').get(device));
}

export function listDevices(doc: Y.Doc): DeviceEntry[] {
  return listOf(map(doc, 'devices'), deviceOf).sort(byTimeThenKey((d) => d.addedAt, (d) => d.device));
}

export function removeDevice(doc: Y.Doc, device: string): boolean {
  const m = map(doc, 'devices');
  if (!m.has(device)) return false;
  m.delete(device);
  return true;
}
