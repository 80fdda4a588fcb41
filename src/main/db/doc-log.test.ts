import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDocLog, mergeInGroups } from './doc-log.js';
import { createDocStore } from './docs.js';
import { openClientDb, type ClientDb } from './open.js';

const TOPIC = new Uint8Array(32).fill(7);

/** A chat doc edited n times (adds, edits, deletes), with every update it emitted. */
function editedDoc(n: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = 42;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const messages = doc.getMap<{ text: string; sentAt: number; deleted?: true }>('messages');
  for (let i = 0; i < n; i++) {
    if (i % 7 === 3) messages.set(`m${i - 1}`, { text: `edited ${i}`, sentAt: i - 1 });
    else if (i % 11 === 5) messages.delete(`m${i - 2}`);
    else messages.set(`m${i}`, { text: `message ${i}`, sentAt: i });
  }
  return { doc, updates };
}

function load(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  Y.transact(doc, () => {
    for (const u of updates) Y.applyUpdate(doc, u);
  });
  return doc;
}

describe('doc store and update log', () => {
  let dir: string;
  let db: ClientDb;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-doc-log-'));
    db = openClientDb(join(dir, 'cairn.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one persisted clientID per doc', () => {
    const docs = createDocStore(db);
    const a = docs.ensure('chat:a', 'chat', TOPIC);
    expect(a.clientId).toBeGreaterThanOrEqual(0);
    expect(a.clientId).toBeLessThan(2 ** 32);
    db.close();
    db = openClientDb(join(dir, 'cairn.db'));
    const again = createDocStore(db);
    expect(again.ensure('chat:a', 'chat', TOPIC)).toEqual(a);
    expect(again.get('chat:a')).toEqual(a);
    expect(again.get('chat:none')).toBeNull();
    const acc = again.ensure('account', 'account', new Uint8Array(32).fill(1));
    expect(again.list().map((d) => d.doc)).toEqual(['account', 'chat:a']);
    expect(again.list('account')).toEqual([acc]);
    expect(again.byTopic(TOPIC)).toEqual([a]);
    expect(() => again.ensure('chat:a', 'account', TOPIC)).toThrow(/another kind or topic/);
    expect(again.remove('chat:a')).toBe(true);
    expect(again.remove('chat:a')).toBe(false);
  });

  it('appends and reads updates in order; removing the doc drops its log', () => {
    const docs = createDocStore(db);
    const log = createDocLog(db);
    docs.ensure('chat:a', 'chat', TOPIC);
    const { doc, updates } = editedDoc(20);
    for (const u of updates) log.appendUpdate('chat:a', u);
    expect(log.readUpdates('chat:a').map((u) => Buffer.from(u).toString('hex'))).toEqual(updates.map((u) => Buffer.from(u).toString('hex')));
    expect(load(log.readUpdates('chat:a')).getMap('messages').toJSON()).toEqual(doc.getMap('messages').toJSON());
    expect(() => log.appendUpdate('chat:unknown', updates[0]!)).toThrow(/FOREIGN KEY/);
    docs.remove('chat:a');
    expect(log.countUpdates('chat:a')).toBe(0);
  });

  it('compacts in bounded runs; the doc loaded from the compacted log equals the original', () => {
    createDocStore(db).ensure('chat:a', 'chat', TOPIC);
    const log = createDocLog(db);
    const { doc, updates } = editedDoc(1234);
    db.transaction(() => {
      for (const u of updates) log.appendUpdate('chat:a', u);
    })();
    const n = updates.length;
    const tail = n % 500;
    expect(n).toBeGreaterThan(1000);
    expect(log.countUpdates('chat:a')).toBe(n);

    expect(log.compact('chat:a')).toEqual({ runs: 2, rowsRemoved: 998 });
    expect(log.countUpdates('chat:a')).toBe(2 + tail);
    const check = () => {
      const loaded = load(log.readUpdates('chat:a'));
      expect(loaded.getMap('messages').toJSON()).toEqual(doc.getMap('messages').toJSON());
      expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(doc));
      expect(Y.encodeStateAsUpdate(loaded)).toEqual(Y.encodeStateAsUpdate(doc));
    };
    check();

    // The short tail waits; a later pass never re-merges the compacted rows.
    expect(log.compact('chat:a')).toEqual({ runs: 0, rowsRemoved: 0 });
    doc.getMap('messages').set('late', { text: 'late', sentAt: 5000 });
    log.appendUpdate('chat:a', updates[updates.length - 1]!);
    expect(log.compact('chat:a', 500, { partial: true })).toEqual({ runs: 1, rowsRemoved: tail });
    expect(log.countUpdates('chat:a')).toBe(3);
    expect(log.compact('chat:a', 2, { partial: true })).toEqual({ runs: 0, rowsRemoved: 0 });
    check();
  });

  it('bounds one call with maxRuns and rejects a maxRows below 2', () => {
    createDocStore(db).ensure('chat:a', 'chat', TOPIC);
    const log = createDocLog(db);
    const { doc, updates } = editedDoc(120);
    const n = updates.length;
    for (const u of updates) log.appendUpdate('chat:a', u);
    expect(log.compact('chat:a', 10, { maxRuns: 3 })).toEqual({ runs: 3, rowsRemoved: 27 });
    const full = Math.floor(n / 10);
    expect(log.compact('chat:a', 10)).toEqual({ runs: full - 3, rowsRemoved: (full - 3) * 9 });
    expect(log.countUpdates('chat:a')).toBe(full + (n % 10));
    expect(load(log.readUpdates('chat:a')).getMap('messages').toJSON()).toEqual(doc.getMap('messages').toJSON());
    expect(() => log.compact('chat:a', 1)).toThrow(/maxRows/);
    expect(() => log.compact('chat:none')).toThrow(/not in docs/);
  });

  it('merges in groups to the same bytes as one Y.mergeUpdates call, across clients and edits', () => {
    const { updates } = editedDoc(180);
    const other = new Y.Doc();
    other.clientID = 7;
    other.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 40; i++) other.getMap('messages').set(`o${i}`, { text: `other ${i}`, sentAt: i });
    expect(updates.length).toBeGreaterThan(200);
    expect(mergeInGroups(updates)).toEqual(Y.mergeUpdates(updates));
    expect(mergeInGroups(updates.slice(0, 3))).toEqual(Y.mergeUpdates(updates.slice(0, 3)));
  });
});
