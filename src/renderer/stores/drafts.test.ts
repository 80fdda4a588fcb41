import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useDraftsStore } from './drafts.js';

describe('drafts store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps one draft per chat across switching', () => {
    const drafts = useDraftsStore();
    drafts.set('c1', 'half a thought');
    drafts.set('c2', 'line one\nline two');
    expect(drafts.get('c1')).toBe('half a thought');
    expect(drafts.get('c2')).toBe('line one\nline two');
    expect(drafts.get('c3')).toBe('');
    expect(drafts.has('c1')).toBe(true);
  });

  it('drops a draft that is cleared or only whitespace', () => {
    const drafts = useDraftsStore();
    drafts.set('c1', 'sent soon');
    drafts.clear('c1');
    expect(drafts.has('c1')).toBe(false);
    drafts.set('c2', 'x');
    drafts.set('c2', ' \n ');
    expect(drafts.has('c2')).toBe(false);
    expect(drafts.get('c2')).toBe('');
  });
});
