import { describe, expect, it } from 'vitest';
import { composerAction } from './composer.js';
import { AVATAR_COLOURS, colourSlot, highlightParts, initialsOf } from './people.js';
import { agoLabel, dayKey, dayLabel, daysAgo, listTimeLabel } from './time.js';

const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).getTime();

describe('time labels', () => {
  const now = at(2026, 3, 12, 9);
  it('names days relative to today', () => {
    expect(dayLabel(at(2026, 3, 12, 1), now, 'en-GB')).toBe('Today');
    expect(dayLabel(at(2026, 3, 11, 23), now, 'en-GB')).toBe('Yesterday');
    expect(dayLabel(at(2026, 3, 9), now, 'en-GB')).toBe('Monday');
    expect(dayLabel(at(2026, 1, 2), now, 'en-GB')).toMatch(/^Fri,? 2 January$/);
    expect(dayLabel(at(2025, 12, 24), now, 'en-GB')).toMatch(/^Wed,? 24 December 2025$/);
  });

  it('shortens chat-list times', () => {
    expect(listTimeLabel(at(2026, 3, 11), now, 'en-GB')).toBe('Yesterday');
    expect(listTimeLabel(at(2026, 3, 10), now, 'en-GB')).toBe('Tue');
    expect(listTimeLabel(at(2026, 2, 1), now, 'en-GB')).toBe('1 Feb');
  });

  it('says how long ago a device was seen', () => {
    expect(agoLabel(now - 20_000, now, 'en-GB')).toBe('just now');
    expect(agoLabel(now - 60_000, now, 'en-GB')).toBe('1 minute ago');
    expect(agoLabel(now - 45 * 60_000, now, 'en-GB')).toBe('45 minutes ago');
    expect(agoLabel(now - 2 * 3_600_000, now, 'en-GB')).toBe('2 hours ago');
    expect(agoLabel(at(2026, 3, 11, 20), now, 'en-GB')).toBe('yesterday at 20:00');
    expect(agoLabel(at(2026, 3, 9), now, 'en-GB')).toBe('Monday');
  });

  it('separates calendar days, not 24-hour spans', () => {
    expect(dayKey(at(2026, 3, 11, 23))).not.toBe(dayKey(at(2026, 3, 12, 0)));
    expect(dayKey(at(2026, 3, 12, 0))).toBe(dayKey(at(2026, 3, 12, 23)));
    expect(daysAgo(at(2026, 3, 11, 23), at(2026, 3, 12, 0))).toBe(1);
  });
});

describe('people', () => {
  it('makes initials from the first and last word', () => {
    expect(initialsOf('Ada Lovelace')).toBe('AL');
    expect(initialsOf('  bob ')).toBe('B');
    expect(initialsOf('Jean Paul Sartre')).toBe('JS');
    expect(initialsOf('émile zola')).toBe('ÉZ');
    expect(initialsOf('🦊 Fox')).toBe('🦊F');
    expect(initialsOf('')).toBe('?');
  });

  it('gives an id the same colour slot every time', () => {
    const slot = colourSlot('a1'.repeat(32));
    expect(colourSlot('a1'.repeat(32))).toBe(slot);
    const slots = new Set(Array.from({ length: 64 }, (_, i) => colourSlot(`account-${i}`)));
    expect([...slots].every((s) => s >= 0 && s < AVATAR_COLOURS)).toBe(true);
    expect(slots.size).toBeGreaterThan(4);
  });

  it('splits text around query words, case-insensitively', () => {
    expect(highlightParts('Lunch at the lunch place', 'LUNCH place')).toEqual([
      { text: 'Lunch', match: true },
      { text: ' at the ', match: false },
      { text: 'lunch', match: true },
      { text: ' ', match: false },
      { text: 'place', match: true },
    ]);
    expect(highlightParts('nothing here', 'zebra')).toEqual([{ text: 'nothing here', match: false }]);
    expect(highlightParts('abc', '  ')).toEqual([{ text: 'abc', match: false }]);
  });
});

describe('composerAction', () => {
  const key = (k: Partial<Parameters<typeof composerAction>[0]>) => composerAction({ key: 'Enter', shiftKey: false, isComposing: false, ...k });
  it('sends on Enter and breaks the line on Shift+Enter or while composing', () => {
    expect(key({})).toBe('send');
    expect(key({ shiftKey: true })).toBe('newline');
    expect(key({ isComposing: true })).toBe('newline');
    expect(key({ key: 'a' })).toBeNull();
  });
});
