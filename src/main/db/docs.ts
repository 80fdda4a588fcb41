// The docs table: which Yjs documents this device holds, their topic, and the device's persisted Yjs
// clientID for each (one per (device, doc) pair, so a restarted device never reuses another's id space).
import type { ClientDb } from './open.js';

export type DocKind = 'account' | 'chat';
export type DocRow = { doc: string; kind: DocKind; topic: Uint8Array; clientId: number };

export type DocStore = {
  /** The doc's row, created with a fresh random clientID if absent. Throws if it exists with another kind or topic. */
  ensure(doc: string, kind: DocKind, topic: Uint8Array): DocRow;
  get(doc: string): DocRow | null;
  byTopic(topic: Uint8Array): DocRow[];
  list(kind?: DocKind): DocRow[];
  /** Removes the doc and (by cascade) its update log; false when it was not there. */
  remove(doc: string): boolean;
  /** Moves the doc to a new topic (a key epoch after a revocation); false when there is no such doc. */
  retopic(doc: string, topic: Uint8Array): boolean;
};

type Raw = { doc: string; kind: DocKind; topic: Uint8Array; client_id: number };

const toRow = (r: Raw): DocRow => ({ doc: r.doc, kind: r.kind, topic: new Uint8Array(r.topic), clientId: r.client_id });

/** A random Yjs clientID: Yjs itself draws a uint32. */
export function randomClientId(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}

export function createDocStore(db: ClientDb): DocStore {
  const cols = 'doc, kind, topic, client_id';
  const q = {
    get: db.prepare<[string], Raw>(`SELECT ${cols} FROM docs WHERE doc = ?`),
    insert: db.prepare<[string, DocKind, Uint8Array, number]>('INSERT INTO docs (doc, kind, topic, client_id) VALUES (?, ?, ?, ?)'),
    byTopic: db.prepare<[Uint8Array], Raw>(`SELECT ${cols} FROM docs WHERE topic = ? ORDER BY doc`),
    all: db.prepare<[], Raw>(`SELECT ${cols} FROM docs ORDER BY doc`),
    byKind: db.prepare<[DocKind], Raw>(`SELECT ${cols} FROM docs WHERE kind = ? ORDER BY doc`),
    remove: db.prepare<[string]>('DELETE FROM docs WHERE doc = ?'),
    retopic: db.prepare<[Uint8Array, string]>('UPDATE docs SET topic = ? WHERE doc = ?'),
  };

  const ensure = db.transaction((doc: string, kind: DocKind, topic: Uint8Array): DocRow => {
    const found = q.get.get(doc);
    if (found) {
      if (found.kind !== kind || !Buffer.from(found.topic).equals(topic)) throw new Error(`doc ${doc} already exists with another kind or topic`);
      return toRow(found);
    }
    const clientId = randomClientId();
    q.insert.run(doc, kind, topic, clientId);
    return { doc, kind, topic: new Uint8Array(topic), clientId };
  });

  return {
    ensure: (doc, kind, topic) => ensure(doc, kind, topic),
    get: (doc) => {
      const r = q.get.get(doc);
      return r ? toRow(r) : null;
    },
    byTopic: (topic) => q.byTopic.all(topic).map(toRow),
    list: (kind) => (kind ? q.byKind.all(kind) : q.all.all()).map(toRow),
    remove: (doc) => q.remove.run(doc).changes > 0,
    retopic: (doc, topic) => q.retopic.run(topic, doc).changes > 0,
  };
}
