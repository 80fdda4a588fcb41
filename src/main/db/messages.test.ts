import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMessageStore, ftsQuery, type MessageRow } from './messages.js';
import { tempClientDb } from './test-db.js';

const msg = (chat: string, id: string, sentAt: number, text: string, extra: Partial<MessageRow> = {}): MessageRow => ({
  chat,
  id,
  author: 'aa',
  device: 'dd',
  sentAt,
  text,
  replyTo: null,
  editedAt: null,
  deleted: false,
  ...extra,
});

describe('message rows', () => {
  let t: ReturnType<typeof tempClientDb>;
  beforeEach(() => {
    t = tempClientDb();
  });
  afterEach(() => t.cleanup());

  it('pages by sentAt then id, oldest to newest, with a before anchor', () => {
    const m = createMessageStore(t.db);
    // Inserted out of order, with a sentAt tie broken by id.
    m.upsert([msg('c', 'b', 20, 'two'), msg('c', 'a', 20, 'one'), msg('c', 'z', 5, 'zero'), msg('c', 'c', 30, 'three'), msg('other', 'x', 25, 'elsewhere')]);
    expect(m.page('c').map((r) => r.id)).toEqual(['z', 'a', 'b', 'c']);
    expect(m.page('c', { limit: 2 }).map((r) => r.id)).toEqual(['b', 'c']);
    expect(m.page('c', { limit: 2, before: 'b' }).map((r) => r.id)).toEqual(['z', 'a']);
    expect(m.page('c', { before: 'z' })).toEqual([]);
    expect(m.page('c', { before: 'missing' })).toEqual([]);
    expect(m.get('c', 'a')).toEqual(msg('c', 'a', 20, 'one'));
    expect(m.get('c', 'x')).toBeNull();
  });

  it('updates rows in place (edits, delete for everyone) and hides deleted ones unless asked', () => {
    const m = createMessageStore(t.db);
    m.upsert([msg('c', 'a', 1, 'hello there'), msg('c', 'b', 2, 'second', { replyTo: 'a' })]);
    m.upsert([msg('c', 'a', 1, 'hello again', { editedAt: 7 }), msg('c', 'b', 2, '', { replyTo: 'a', deleted: true })]);
    expect(m.page('c')).toEqual([msg('c', 'a', 1, 'hello again', { editedAt: 7 })]);
    expect(m.page('c', { includeDeleted: true }).map((r) => [r.id, r.deleted])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(m.search('there')).toEqual([]);
    expect(m.search('again').map((r) => r.id)).toEqual(['a']);
    m.removeChat('c');
    expect(m.page('c', { includeDeleted: true })).toEqual([]);
    expect(m.search('again')).toEqual([]);
  });

  it('indexes each row once: duplicates, edits and rows written inside a caller transaction', () => {
    const m = createMessageStore(t.db);
    const integrity = () => t.db.prepare("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)").run();
    t.db.transaction(() => m.upsert([msg('c', 'a', 1, 'first words'), msg('c', 'b', 2, 'second words')]))();
    m.upsert([msg('c', 'a', 1, 'first words')]);
    m.upsert([msg('c', 'b', 2, 'second words', { replyTo: 'a' })]);
    expect(m.search('words').map((r) => r.id).sort()).toEqual(['a', 'b']);
    expect(m.get('c', 'b')?.replyTo).toBe('a');
    m.upsert([msg('c', 'a', 1, 'changed text', { editedAt: 3 })]);
    expect(m.search('words').map((r) => r.id)).toEqual(['b']);
    expect(m.search('changed').map((r) => r.id)).toEqual(['a']);
    integrity();
  });

  it('searches with bm25 ranking, prefixes, a chat filter, and any user input', () => {
    const m = createMessageStore(t.db);
    m.upsert([
      msg('c1', 'm1', 1, 'Lunch at the Café Central on Friday?'),
      msg('c1', 'm2', 2, 'cafe cafe cafe'),
      msg('c2', 'm3', 3, 'the new cafe opened'),
      msg('c2', 'm4', 4, 'nothing to see "here" -- OR NOT'),
    ]);
    expect(m.search('cafe').map((r) => r.id)).toEqual(['m2', 'm3', 'm1']);
    const hits = m.search('cafe');
    expect(hits[0]!.rank).toBeLessThan(hits[2]!.rank);
    expect(m.search('cafe', { chat: 'c2' }).map((r) => r.id)).toEqual(['m3']);
    expect(m.search('café fri').map((r) => r.id)).toEqual(['m1']);
    expect(m.search('cafe', { limit: 1 }).map((r) => r.id)).toEqual(['m2']);
    expect(m.search('"here" -- OR').map((r) => r.id)).toEqual(['m4']);
    expect(m.search('NOT')).toHaveLength(1);
    expect(m.search('  ')).toEqual([]);
    expect(m.search('* ( ) :')).toEqual([]);
  });

  it('quotes every word of a query', () => {
    expect(ftsQuery('a "b" c')).toBe('"a" """b""" "c"*');
    expect(ftsQuery('-- ??')).toBeNull();
  });
});
