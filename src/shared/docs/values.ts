// Shape checks for plain values read from Yjs docs: other devices write them, so a read never trusts a shape.

/** Hex lengths of the ids the docs use as keys and fields (lowercase only, so one id has one spelling). */
export const ACCOUNT_HEX_CHARS = 64;
export const DEVICE_HEX_CHARS = 64;
export const KEY_HEX_CHARS = 64;
export const CHAT_ID_HEX_CHARS = 32;
export const MESSAGE_ID_HEX_CHARS = 32;

const LOWER_HEX = /^[0-9a-f]*$/;

export type PlainObject = { readonly [key: string]: unknown };

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function isHexId(value: unknown, chars: number): value is string {
  return typeof value === 'string' && value.length === chars && LOWER_HEX.test(value);
}

/** A millisecond timestamp (or any counter): a non-negative safe integer. */
export function isTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

export function isHexArray(value: unknown, chars: number): value is string[] {
  return Array.isArray(value) && value.every((v) => isHexId(v, chars));
}

/** Throws TypeError: the writers' guard against programmer errors (a read ignores such values instead). */
export function requireHex(value: string, chars: number, what: string): void {
  if (!isHexId(value, chars)) throw new TypeError(`${what} must be ${chars} lowercase hex characters`);
}

export function requireTimestamp(value: number, what: string): void {
  if (!isTimestamp(value)) throw new TypeError(`${what} must be a non-negative safe integer, got ${value}`);
}

/** A read position in a chat: the newest message read, ordered like messages (sentAt, then id). */
export type ReadMarker = { messageId: string; sentAt: number };

export function readMarkerOf(value: unknown): ReadMarker | null {
  if (!isPlainObject(value) || !isHexId(value.messageId, MESSAGE_ID_HEX_CHARS) || !isTimestamp(value.sentAt)) return null;
  return { messageId: value.messageId, sentAt: value.sentAt };
}

/** True when a comes strictly after b in message order (sentAt, then id). */
export function isLaterMarker(a: ReadMarker, b: ReadMarker): boolean {
  return a.sentAt > b.sentAt || (a.sentAt === b.sentAt && a.messageId > b.messageId);
}

/** Number of UTF-8 bytes of a string, without encoding it (lone surrogates count as U+FFFD: 3 bytes). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
