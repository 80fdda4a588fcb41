import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { loadNativeSodium } from '../../main/crypto/native.js';
import type { Sodium } from '../crypto/sodium.js';
import { decodeAppMessage } from './app-message.js';
import { addMessage, deleteMessage, editMessage } from './chat-doc.js';
import { decodeDigest, docDigest, encodeDigest, encodeDocState } from './digest.js';

const hex = (n: number, chars: number): string => n.toString(16).padStart(chars, '0');
const alice = { author: hex(0xa1, 64), device: hex(0xad, 64) };
const bob = { author: hex(0xb0, 64), device: hex(0xbd, 64) };

let sodium: Sodium;
beforeAll(() => {
  sodium = loadNativeSodium();
});

/** Records every update a doc emits, in order. */
function recorded(clientID: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return { doc, updates };
}

function docFrom(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc;
}

const toHex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('convergence digest', () => {
  it('is the same for the same state, whatever order the updates arrived in', () => {
    const a = recorded(1);
    const b = recorded(2);
    for (let i = 0; i < 20; i++) {
      addMessage(a.doc, { id: hex(i, 32), ...alice, sentAt: 1000 + i, text: `from alice ${i}` });
      addMessage(b.doc, { id: hex(100 + i, 32), ...bob, sentAt: 1000 + i, text: `from bob ${i}` });
    }
    editMessage(a.doc, hex(3, 32), { ...alice, text: 'edited', editedAt: 5000 });
    deleteMessage(b.doc, hex(105, 32), { ...bob, deletedAt: 5001 });
    const all = [...a.updates, ...b.updates];
    const forward = docFrom(all);
    const backward = docFrom([...all].reverse());
    const shuffled = docFrom(all.map((u, i) => ({ u, k: (i * 7919) % all.length })).sort((x, y) => x.k - y.k).map((x) => x.u));
    const merged = docFrom([Y.mergeUpdates(all)]);
    const digest = toHex(docDigest(sodium, forward));
    expect(digest).toHaveLength(64);
    for (const d of [backward, shuffled, merged]) {
      expect(d.store.pendingStructs).toBeNull();
      expect(toHex(docDigest(sodium, d))).toBe(digest);
    }
  });

  it('changes with a delete although the state vector does not', () => {
    const a = recorded(7);
    addMessage(a.doc, { id: hex(1, 32), ...alice, sentAt: 1, text: 'hello' });
    addMessage(a.doc, { id: hex(2, 32), ...alice, sentAt: 2, text: 'world' });
    const before = docFrom(a.updates);
    const text = a.doc.getText('scratch');
    text.insert(0, 'abc');
    const withText = docFrom(a.updates);
    text.delete(1, 1);
    const afterDelete = docFrom(a.updates);
    // A pure delete: no new clock, only a delete-set entry.
    expect(Y.encodeStateVector(afterDelete)).toEqual(Y.encodeStateVector(withText));
    expect(toHex(docDigest(sodium, afterDelete))).not.toBe(toHex(docDigest(sodium, withText)));
    expect(toHex(docDigest(sodium, withText))).not.toBe(toHex(docDigest(sodium, before)));
    expect(toHex(docDigest(sodium, afterDelete))).toBe(toHex(docDigest(sodium, a.doc)));
  });

  it('leaves out updates still waiting for missing structs', () => {
    const a = recorded(9);
    addMessage(a.doc, { id: hex(1, 32), ...alice, sentAt: 1, text: 'one' });
    addMessage(a.doc, { id: hex(2, 32), ...alice, sentAt: 2, text: 'two' });
    const gapped = new Y.Doc();
    Y.applyUpdate(gapped, a.updates[1]!);
    expect(gapped.store.pendingStructs).not.toBeNull();
    expect(toHex(docDigest(sodium, gapped))).toBe(toHex(docDigest(sodium, new Y.Doc())));
    Y.applyUpdate(gapped, a.updates[0]!);
    expect(gapped.store.pendingStructs).toBeNull();
    expect(toHex(docDigest(sodium, gapped))).toBe(toHex(docDigest(sodium, a.doc)));
  });

  it('encodes the state canonically: clients ascending, deleted ranges merged', () => {
    const doc = new Y.Doc();
    expect([...encodeDocState(doc)]).toEqual([0, 0]);
    const x = recorded(300);
    x.doc.getText('t').insert(0, 'abcd');
    x.doc.getText('t').delete(1, 2);
    const y = recorded(5);
    y.doc.getText('u').insert(0, 'z');
    const both = docFrom([...x.updates, ...y.updates]);
    // 2 clients: 5 (clock 1), 300 (varUint 0xac 0x02, clock 4); 1 client with deletes: 300, 1 range (1, 2).
    expect([...encodeDocState(both)]).toEqual([2, 5, 1, 0xac, 0x02, 4, 1, 0xac, 0x02, 1, 1, 2]);
  });

  it('travels as a DIGEST app message with an ask flag', () => {
    const digest = new Uint8Array(32).fill(0xab);
    for (const ask of [true, false]) {
      const bytes = encodeDigest({ digest, ask });
      expect(bytes[0]).toBe(2);
      const app = decodeAppMessage(bytes);
      if (!app.ok || app.value.kind !== 'digest') throw new Error('not a digest message');
      expect(decodeDigest(app.value.digest)).toEqual({ ok: true, value: { digest, ask } });
    }
    expect(decodeDigest(new Uint8Array(0)).ok).toBe(false);
    expect(decodeDigest(new Uint8Array([1, 0, 1, 2])).ok).toBe(false);
    expect(decodeDigest(new Uint8Array([2, ...new Uint8Array(33)]))).toMatchObject({ ok: false, code: 'UNSUPPORTED' });
    expect(() => encodeDigest({ digest: new Uint8Array(31), ask: false })).toThrow(RangeError);
  });
});
