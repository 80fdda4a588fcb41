import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MIN_SPLIT_BYTES, splitUpdate } from './split-update.js';

function updatesOf(doc: Y.Doc): Uint8Array[] {
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return updates;
}

describe('splitUpdate', () => {
  it('returns the update itself when it fits', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('k', 'v');
    const update = Y.encodeStateAsUpdate(doc);
    expect(splitUpdate(update, update.length)).toEqual([update]);
    expect(() => splitUpdate(update, MIN_SPLIT_BYTES - 1)).not.toThrow();
    expect(() => splitUpdate(new Uint8Array(200), MIN_SPLIT_BYTES - 1)).toThrow(RangeError);
  });

  it('splits an update with gaps (Skip structs) from a merge of non-consecutive updates', () => {
    const doc = new Y.Doc();
    const updates = updatesOf(doc);
    const text = doc.getText('t');
    for (let i = 0; i < 300; i++) text.insert(text.length, `line ${i}\n`);
    for (let i = 0; i < 100; i++) doc.getMap('m').set(`k${i % 20}`, { i, pad: 'p'.repeat(i) });
    const withGaps = Y.mergeUpdates(updates.filter((_, i) => i % 3 !== 1));
    expect(Y.decodeUpdate(withGaps).structs.some((s) => s instanceof Y.Skip)).toBe(true);
    const chunks = splitUpdate(withGaps, 256);
    expect(chunks.length).toBeGreaterThan(5);
    const target = new Y.Doc();
    for (const c of chunks) Y.applyUpdate(target, c);
    for (const [i, u] of updates.entries()) if (i % 3 === 1) Y.applyUpdate(target, u);
    expect(target.store.pendingStructs).toBeNull();
    expect(target.getText('t').toString()).toBe(text.toString());
    expect(target.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
    expect(Y.encodeStateVector(target)).toEqual(Y.encodeStateVector(doc));
  });

  it('keeps every chunk within the bound for text and nested types', () => {
    const doc = new Y.Doc();
    const list = doc.getArray<Y.Map<unknown>>('list');
    for (let i = 0; i < 200; i++) {
      const m = new Y.Map<unknown>();
      list.push([m]);
      m.set('text', `entry ${i}`);
    }
    list.delete(10, 50);
    const update = Y.encodeStateAsUpdate(doc);
    const chunks = splitUpdate(update, 300);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(300);
    const target = new Y.Doc();
    for (const c of chunks) Y.applyUpdate(target, c);
    expect(target.getArray('list').toJSON()).toEqual(list.toJSON());
    expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(target.store), Y.createDeleteSetFromStructStore(doc.store))).toBe(true);
  });
});
