import { afterEach, describe, expect, it, vi } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { AccountId } from '../ids.js';
import {
  applySyncMessage,
  chunkedStep2,
  decodeAppMessage,
  decodeInvitePayload,
  encodeDigestMessage,
  encodeInvitePayload,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from './app-message.js';
import type { InvitePayload } from './app-message.js';
import { addMessage, deleteMessage, editMessage, listMessages } from './chat-doc.js';
import { MAX_INVITE_MEMBERS } from './invite-payload.js';

const hex = (n: number, chars: number): string => n.toString(16).padStart(chars, '0');
const alice = { author: hex(0xa1, 64), device: hex(0xad, 64) };
const bob = { author: hex(0xb0, 64), device: hex(0xbd, 64) };
const filled = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b);

function unwrap<T>(r: { ok: true; value: T } | { ok: false; code: string; message?: string }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}`);
  return r.value;
}

/** Same state vector, same delete set, nothing pending, same messages: the two docs hold the same state. */
function expectSameDoc(actual: Y.Doc, expected: Y.Doc): void {
  expect(actual.store.pendingStructs).toBeNull();
  expect(actual.store.pendingDs).toBeNull();
  expect(Y.encodeStateVector(actual)).toEqual(Y.encodeStateVector(expected));
  expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(actual.store), Y.createDeleteSetFromStructStore(expected.store))).toBe(true);
  expect(actual.getMap('messages').toJSON()).toEqual(expected.getMap('messages').toJSON());
}

function bigChat(messages: number, withEdits: boolean): Y.Doc {
  const doc = new Y.Doc();
  const ids: string[] = [];
  doc.transact(() => {
    for (let i = 0; i < messages; i++) ids.push(unwrap(addMessage(doc, { ...(i % 3 === 0 ? bob : alice), sentAt: 1_700_000_000_000 + i, text: `message number ${i} ${'x'.repeat(i % 50)}` })));
  });
  if (withEdits) {
    for (let i = 0; i < messages; i += 7) {
      const who = i % 3 === 0 ? bob : alice;
      if (i % 2 === 0) unwrap(editMessage(doc, ids[i]!, { ...who, text: `edited ${i}`, editedAt: 1_800_000_000_000 + i }));
      else unwrap(deleteMessage(doc, ids[i]!, { ...who, deletedAt: 1_800_000_000_000 + i }));
    }
  }
  return doc;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('app message codec', () => {
  it('wraps y-protocols sync messages byte for byte behind the SYNC kind', () => {
    const doc = new Y.Doc();
    unwrap(addMessage(doc, { ...alice, sentAt: 1, text: 'hi' }));
    const e = encoding.createEncoder();
    syncProtocol.writeSyncStep1(e, doc);
    expect(encodeSyncStep1(doc)).toEqual(new Uint8Array([0, ...encoding.toUint8Array(e)]));
    const update = Y.encodeStateAsUpdate(doc);
    const decoded = unwrap(decodeAppMessage(encodeSyncUpdate(update)));
    expect(decoded).toMatchObject({ kind: 'sync', sync: 'update', payload: update });
    expect(unwrap(decodeAppMessage(encodeSyncStep1(doc)))).toMatchObject({ kind: 'sync', sync: 'step1', payload: Y.encodeStateVector(doc) });
    expect(unwrap(decodeAppMessage(encodeSyncStep2(doc)))).toMatchObject({ kind: 'sync', sync: 'step2', payload: update });
    expect(unwrap(decodeAppMessage(encodeDigestMessage(filled(16, 9))))).toEqual({ kind: 'digest', digest: filled(16, 9) });
  });

  it('rejects malformed messages with stable codes', () => {
    const good = encodeSyncUpdate(new Uint8Array([0, 0]));
    expect(decodeAppMessage(new Uint8Array(0))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeAppMessage(new Uint8Array([0x80]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeAppMessage(new Uint8Array([7, 1, 2]))).toMatchObject({ ok: false, code: 'UNKNOWN_KIND' });
    expect(decodeAppMessage(new Uint8Array([0, 3, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeAppMessage(good.subarray(0, good.length - 1))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeAppMessage(new Uint8Array([...good, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeAppMessage(new Uint8Array([0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeAppMessage(new Uint8Array([1]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    expect(decodeAppMessage(new Uint8Array([1, 9]))).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
  });
});

describe('applySyncMessage', () => {
  it('answers step 1 and applies step 2 and updates with the given origin', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    for (let i = 0; i < 5; i++) unwrap(addMessage(a, { ...alice, sentAt: i, text: `a${i}` }));
    unwrap(addMessage(b, { ...bob, sentAt: 100, text: 'b' }));
    const origins: unknown[] = [];
    b.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));

    const step1 = unwrap(applySyncMessage(a, encodeSyncStep1(b), 'peer'));
    expect(step1.kind).toBe('step1');
    expect(step1.replies).toHaveLength(1);
    for (const reply of step1.replies) expect(unwrap(applySyncMessage(b, reply, { from: 'a' }))).toEqual({ kind: 'step2', replies: [] });
    expect(origins).toEqual([{ from: 'a' }]);
    // The other direction, then a live update.
    for (const reply of unwrap(applySyncMessage(b, encodeSyncStep1(a), 'peer')).replies) unwrap(applySyncMessage(a, reply, 'b'));
    expectSameDoc(a, b);
    const before = Y.encodeStateVector(a);
    unwrap(addMessage(a, { ...alice, sentAt: 200, text: 'live' }));
    expect(unwrap(applySyncMessage(b, encodeSyncUpdate(Y.encodeStateAsUpdate(a, before)), 'relay'))).toEqual({ kind: 'update', replies: [] });
    expect(listMessages(b).map((m) => m.text)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b', 'live']);
    expect(origins.at(-1)).toBe('relay');
  });

  it('refuses what is not a sync message and reports updates that fail to apply', () => {
    const doc = new Y.Doc();
    expect(applySyncMessage(doc, encodeDigestMessage(filled(4, 1)), null)).toMatchObject({ ok: false, code: 'NOT_SYNC' });
    expect(applySyncMessage(doc, new Uint8Array([9]), null)).toMatchObject({ ok: false, code: 'UNKNOWN_KIND' });
    expect(applySyncMessage(doc, new Uint8Array([0, 2]), null)).toMatchObject({ ok: false, code: 'MALFORMED' });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const garbage = encodeSyncUpdate(new Uint8Array([5, 200, 1, 2, 3, 4, 250, 250, 250]));
    expect(applySyncMessage(doc, garbage, null)).toMatchObject({ ok: false, code: 'APPLY_FAILED' });
    expect(errors).toHaveBeenCalled();
    expect(() => applySyncMessage(doc, encodeSyncStep1(doc), null, 10)).toThrow(RangeError);
  });
});

describe('chunked sync step 2', () => {
  it('splits a 10k-message doc into valid chunks below 64 KiB whose union is the doc', () => {
    const source = bigChat(10_000, true);
    const maxBytes = 64 * 1024;
    const chunks = chunkedStep2(source, undefined, maxBytes);
    expect(chunks.length).toBeGreaterThan(10);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(maxBytes);
      expect(unwrap(decodeAppMessage(c))).toMatchObject({ kind: 'sync', sync: 'step2' });
    }
    const inOrder = new Y.Doc();
    for (const c of chunks) unwrap(applySyncMessage(inOrder, c, 'peer'));
    expectSameDoc(inOrder, source);
    expect(listMessages(inOrder)).toEqual(listMessages(source));
  });

  it('gives the same doc whatever order the chunks arrive in', () => {
    const source = bigChat(2000, true);
    const chunks = chunkedStep2(source, undefined, 16 * 1024);
    expect(chunks.length).toBeGreaterThan(5);
    // Yjs keeps what it cannot place yet as pending, so reversed and interleaved orders converge too.
    const orders = [[...chunks].reverse(), [...chunks.filter((_, i) => i % 2 === 1), ...chunks.filter((_, i) => i % 2 === 0)]];
    for (const order of orders) {
      const target = new Y.Doc();
      for (const c of order) unwrap(applySyncMessage(target, c, 'peer'));
      expectSameDoc(target, source);
    }
  });

  it('sends only what the state vector lacks, across several clients, including deletions', () => {
    const a = bigChat(3000, false);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    // Both diverge: b edits and deletes some of a's messages' (as their author) and adds its own.
    const ids = listMessages(a).map((m) => m.id);
    for (let i = 0; i < 3000; i += 5) unwrap(editMessage(b, ids[i]!, { ...(i % 3 === 0 ? bob : alice), text: `b-edit ${i}`, editedAt: 2 + i }));
    b.transact(() => {
      for (let i = 0; i < 2000; i++) unwrap(addMessage(b, { ...bob, sentAt: 5 + i, text: `from b ${i}` }));
    });
    unwrap(addMessage(a, { ...alice, sentAt: 9, text: 'a only' }));
    const chunks = chunkedStep2(b, Y.encodeStateVector(a), 8 * 1024);
    expect(chunks.length).toBeGreaterThan(5);
    const diffBytes = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)).length;
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBeLessThan(diffBytes * 1.1 + chunks.length * 32);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(8 * 1024);
      unwrap(applySyncMessage(a, c, 'b'));
    }
    for (const c of chunkedStep2(a, Y.encodeStateVector(b), 8 * 1024)) unwrap(applySyncMessage(b, c, 'a'));
    expectSameDoc(a, b);
    expect(listMessages(a)).toHaveLength(5001);
  });

  it('splits a large delete set and keeps a struct larger than the bound in a chunk of its own', () => {
    const source = bigChat(4000, true);
    const huge = unwrap(addMessage(source, { ...alice, sentAt: 1, text: 'h'.repeat(20_000) }));
    const chunks = chunkedStep2(source, undefined, 1024);
    const withDeletes = chunks.filter((c) => {
      const m = unwrap(decodeAppMessage(c));
      return m.kind === 'sync' && Y.decodeUpdate(m.payload).ds.clients.size > 0;
    });
    expect(withDeletes.length).toBeGreaterThan(1);
    const oversize = chunks.filter((c) => c.length > 1024);
    expect(oversize).toHaveLength(1);
    expect(oversize[0]!.length).toBeLessThan(20_000 + 400);
    const target = new Y.Doc();
    for (const c of chunks) unwrap(applySyncMessage(target, c, 'peer'));
    expectSameDoc(target, source);
    expect(listMessages(target).find((m) => m.id === huge)?.text).toHaveLength(20_000);
  });

  it('answers an up-to-date peer with one small step 2', () => {
    const source = bigChat(100, false);
    const chunks = chunkedStep2(source, Y.encodeStateVector(source), 1024);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.length).toBeLessThan(16);
    expect(() => chunkedStep2(source, undefined, 70)).toThrow(RangeError);
  });
});

describe('invite payload', () => {
  const account = (n: number): AccountId => filled(32, n) as AccountId;
  const payload: InvitePayload = {
    chatId: filled(16, 1),
    chatKey: filled(32, 2),
    relays: ['wss://relay.example.org', 'ws://127.0.0.1:9000'],
    title: 'Plans 🗺️',
    members: [account(3), account(4)],
    fromAccount: account(3),
    fromAccountKey: filled(32, 5),
    sentAt: 1_700_000_000_123,
  };

  it('round-trips with and without a title', () => {
    const bytes = encodeInvitePayload(payload);
    expect(bytes[0]).toBe(1);
    expect(unwrap(decodeInvitePayload(bytes))).toEqual(payload);
    expect(unwrap(decodeAppMessage(bytes))).toEqual({ kind: 'invite', invite: payload });
    const untitled = { ...payload, title: null };
    expect(unwrap(decodeInvitePayload(encodeInvitePayload(untitled)))).toEqual(untitled);
  });

  it('rejects other kinds, other formats, truncation, trailing bytes and invalid contents', () => {
    const bytes = encodeInvitePayload(payload);
    expect(decodeInvitePayload(encodeSyncStep1(new Y.Doc()))).toMatchObject({ ok: false, code: 'NOT_INVITE' });
    const otherFormat = bytes.slice();
    otherFormat[1] = 2;
    expect(decodeInvitePayload(otherFormat)).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
    for (let n = 1; n < bytes.length; n++) expect(decodeInvitePayload(bytes.subarray(0, n)).ok, `truncated to ${n}`).toBe(false);
    expect(decodeInvitePayload(new Uint8Array([...bytes, 0]))).toMatchObject({ ok: false, code: 'MALFORMED' });
    // A body whose inviter is not a member: forge one by swapping the from account after encoding.
    const forged = bytes.slice();
    forged.set(filled(32, 9), forged.length - 32 - 32 - 6);
    expect(decodeInvitePayload(forged)).toMatchObject({ ok: false, code: 'MALFORMED' });
  });

  it('throws on invalid payloads when encoding', () => {
    expect(() => encodeInvitePayload({ ...payload, fromAccount: account(8) })).toThrow(TypeError);
    expect(() => encodeInvitePayload({ ...payload, relays: ['https://x.example'] })).toThrow(TypeError);
    expect(() => encodeInvitePayload({ ...payload, chatId: filled(32, 1) })).toThrow(TypeError);
    expect(() => encodeInvitePayload({ ...payload, members: [account(3), account(3)] })).toThrow(TypeError);
    expect(() => encodeInvitePayload({ ...payload, members: Array.from({ length: MAX_INVITE_MEMBERS + 1 }, (_, i) => account(i)) })).toThrow(TypeError);
    expect(() => encodeInvitePayload({ ...payload, title: 't'.repeat(257) })).toThrow(TypeError);
    expect(() => encodeInvitePayload({ ...payload, sentAt: -1 })).toThrow(TypeError);
  });
});
