import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../shared/core-api.js';
import { createRowLayouts } from './row-layout.js';

const DAY = 24 * 3600_000;
const m = (id: string, sentAt: number, author = 'bob'): MessageView => ({ id, chatId: 'c', author, device: author, text: id, sentAt, replyTo: null, editedAt: null, deleted: false, state: null, mine: author === 'me' });
// Days by whole UTC days, so the test does not depend on the machine's time zone.
const layouts = () => createRowLayouts({ groupGapMs: 5 * 60_000, dayKey: (ms) => String(Math.floor(ms / DAY)) });

describe('row layout', () => {
  const list = [m('a', 10 * DAY + 1000), m('b', 10 * DAY + 2000), m('c', 10 * DAY + 3000, 'me'), m('d', 10 * DAY + 3000 + 6 * 60_000, 'me'), m('e', 11 * DAY + 10, 'me')];

  it('marks day changes, runs by one author and the start of the chat', () => {
    const l = layouts();
    expect(list.map((_, i) => l.layoutOf(list, i, false).key)).toEqual(['a|dfs', 'b|', 'c|f', 'd|f', 'e|df']);
    expect(l.layoutOf(list, 0, true).key).toBe('a|df');
  });

  it('recomputes a row once the message before it changes (an older page prepended)', () => {
    const l = layouts();
    expect(l.layoutOf(list, 0, true)).toMatchObject({ day: true, first: true });
    const older = [m('z', 10 * DAY + 500), ...list];
    expect(l.layoutOf(older, 1, true)).toMatchObject({ day: false, first: false, key: 'a|' });
    expect(l.layoutOf(older, 0, false).key).toBe('z|dfs');
  });

  it('returns the cached object while nothing around the row changed', () => {
    const l = layouts();
    expect(l.layoutOf(list, 2, false)).toBe(l.layoutOf([...list], 2, false));
  });
});
