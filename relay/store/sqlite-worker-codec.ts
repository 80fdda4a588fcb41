// How RelayStore arguments and results cross between the relay's thread and the store's worker: every
// Uint8Array in a value is copied into one fresh ArrayBuffer that is transferred, not cloned. Structured
// clone would copy each view's whole backing buffer (a payload is a view into a larger socket chunk), and
// one transfer per message is cheaper than one clone per id and payload.
import type { SqliteStoreOptions } from './sqlite.js';
import type { RelayStore } from './types.js';

/** A value whose Uint8Arrays were replaced by markers pointing into bytes. */
export type Packed = { value: unknown; bytes: ArrayBuffer | null };

/** Marker key; no RelayStore type has a key like it. */
const BYTES = '\u0000bytes';

type Marker = { [BYTES]: number; length: number };

type Collected = { views: Uint8Array[]; total: number };

function encode(value: unknown, into: Collected): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) {
    const marker: Marker = { [BYTES]: into.total, length: value.byteLength };
    into.views.push(value);
    into.total += value.byteLength;
    return marker;
  }
  if (Array.isArray(value)) return value.map((item) => encode(item, into));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = encode((value as Record<string, unknown>)[key], into);
  return out;
}

/** Packs value; transfer `bytes` with the message (it is a fresh buffer nobody else holds). */
export function pack(value: unknown): Packed {
  const into: Collected = { views: [], total: 0 };
  const encoded = encode(value, into);
  if (into.views.length === 0) return { value: encoded, bytes: null };
  const bytes = new ArrayBuffer(into.total);
  const target = new Uint8Array(bytes);
  let at = 0;
  for (const v of into.views) {
    target.set(v, at);
    at += v.byteLength;
  }
  return { value: encoded, bytes };
}

function decode(value: unknown, bytes: ArrayBuffer | null): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decode(value[i], bytes);
    return value;
  }
  const record = value as Record<string, unknown>;
  const offset = record[BYTES];
  if (typeof offset === 'number') {
    if (bytes === null) throw new Error('relay store worker: a bytes marker arrived without its buffer');
    return new Uint8Array(bytes, offset, (value as Marker).length);
  }
  for (const key of Object.keys(record)) record[key] = decode(record[key], bytes);
  return record;
}

/** The value with plain Uint8Array views into the received buffer where the sender had Uint8Arrays. */
export function unpack(packed: Packed): unknown {
  return decode(packed.value, packed.bytes);
}

/** The RelayStore methods the worker serves (close included: it closes the database, then the thread ends). */
export const STORE_METHODS = [
  'storeId',
  'getTopic',
  'createTopic',
  'closeTopic',
  'append',
  'readAfter',
  'oldestSeq',
  'countAfter',
  'register',
  'unregister',
  'registrations',
  'getRegistration',
  'clearGap',
  'ack',
  'cursorFloor',
  'expire',
  'putRecord',
  'getRecord',
  'stats',
  'close',
] as const satisfies readonly (keyof RelayStore)[];

export type StoreMethod = (typeof STORE_METHODS)[number];

/** Fails to compile when RelayStore gains a method the list above lacks. */
export const EVERY_METHOD_SERVED: Exclude<keyof RelayStore, StoreMethod> extends never ? true : never = true;

/** What the worker is started with (workerData). */
export type WorkerOptions = SqliteStoreOptions;

export type Request = { id: number; method: StoreMethod; args: Packed };
export type Reply = { id: number; result: Packed } | { id: number; error: string };
/** The worker's first message: the store is open, or why it is not. */
export type Hello = { ready: true } | { ready: false; error: string };
