// Search across chats: the latest query's hits only, however the answers to earlier queries arrive.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { SearchHit } from '../../shared/core-api.js';
import { coreAccess } from './core.js';
import { unexpectedError, userError, type UserError } from './errors.js';

export const SEARCH_LIMIT = 50;

export const useSearchStore = defineStore('search', () => {
  const { core } = coreAccess();
  const query = shallowRef('');
  const hits = shallowRef<SearchHit[]>([]);
  const searching = shallowRef(false);
  const error = shallowRef<UserError | null>(null);
  // Each run gets a number; an answer for an older number is dropped.
  let latest = 0;

  async function run(text: string): Promise<void> {
    query.value = text;
    const ticket = ++latest;
    if (text.trim() === '') {
      hits.value = [];
      searching.value = false;
      error.value = null;
      return;
    }
    searching.value = true;
    try {
      const r = await core().search(text.trim(), { limit: SEARCH_LIMIT });
      if (ticket !== latest) return;
      hits.value = r.ok ? r.value : [];
      error.value = r.ok ? null : userError(r);
    } catch (cause) {
      if (ticket === latest) error.value = unexpectedError(cause);
    } finally {
      if (ticket === latest) searching.value = false;
    }
  }

  function clear(): void {
    void run('');
  }

  return { query, hits, searching, error, run, clear };
});
