import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LocalRun } from './local-update.js';

const LOCAL = 'local';

function docWith(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

/** The updates Yjs itself emits for the doc's transactions, as the registry captured them before LocalRun. */
function captureUpdates(doc: Y.Doc): Uint8Array[] {
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array, origin: unknown) => void (origin === LOCAL && out.push(u)));
  return out;
}

describe('LocalRun', () => {
  it('encodes one transaction exactly as Yjs does', () => {
    const doc = docWith(7);
    doc.getMap('m').set('before', 1);
    const yjs = captureUpdates(doc);
    const run = new LocalRun();
    const r = run.record(doc, LOCAL, () => {
      doc.getMap('m').set('a', { text: 'hello' });
      doc.getMap('m').set('before', 2);
      return 42;
    });
    expect(r).toEqual({ value: 42, changed: true });
    expect(yjs).toHaveLength(1);
    expect(run.encode(doc)).toEqual(yjs[0]);
  });

  it('encodes a run of transactions as one update equal in effect to their merge, deletions included', () => {
    const doc = docWith(7);
    const m = doc.getMap<unknown>('m');
    m.set('old', 'x');
    const start = Y.encodeStateAsUpdate(doc);
    const yjs = captureUpdates(doc);
    const run = new LocalRun();
    for (let i = 0; i < 120; i++) run.record(doc, LOCAL, () => m.set(`k${i}`, { i, text: `message ${i}` }));
    run.record(doc, LOCAL, () => m.set('k3', { i: 3, text: 'edited' }));
    run.record(doc, LOCAL, () => m.delete('old'));
    const update = run.encode(doc);
    expect(Y.decodeUpdate(update).structs.every((s) => s.id.client === 7)).toBe(true);
    const viaRun = new Y.Doc();
    Y.applyUpdate(viaRun, start);
    Y.applyUpdate(viaRun, update);
    const viaMerge = new Y.Doc();
    Y.applyUpdate(viaMerge, start);
    Y.applyUpdate(viaMerge, Y.mergeUpdates(yjs));
    expect(viaRun.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
    expect(viaRun.getMap('m').toJSON()).toEqual(viaMerge.getMap('m').toJSON());
    expect(viaRun.getMap('m').has('old')).toBe(false);
    expect(Y.encodeStateVector(viaRun)).toEqual(Y.encodeStateVector(doc));
    // The same deletions as the doc itself (the edit's overwritten value and the deleted key).
    expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(viaRun.store), Y.createDeleteSetFromStructStore(doc.store))).toBe(true);
  });

  it('leaves out updates from other clients applied between its transactions', () => {
    const doc = docWith(7);
    const peer = docWith(9);
    const run = new LocalRun();
    run.record(doc, LOCAL, () => doc.getMap('m').set('mine1', 1));
    peer.getMap('m').set('theirs', 2);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer), 'remote');
    run.record(doc, LOCAL, () => doc.getMap('m').set('mine2', 3));
    const update = run.encode(doc);
    const decoded = Y.decodeUpdate(update);
    expect(decoded.structs.map((s) => s.id.client)).toEqual([7, 7]);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(peer));
    Y.applyUpdate(other, update);
    expect(other.getMap('m').toJSON()).toEqual({ mine1: 1, theirs: 2, mine2: 3 });
  });

  it('reports a transaction that changed nothing', () => {
    const doc = docWith(7);
    const run = new LocalRun();
    expect(run.record(doc, LOCAL, () => doc.getMap('m').get('nothing'))).toEqual({ value: undefined, changed: false });
    const decoded = Y.decodeUpdate(run.encode(doc));
    expect(decoded.structs).toHaveLength(0);
    expect(decoded.ds.clients.size).toBe(0);
  });
});
