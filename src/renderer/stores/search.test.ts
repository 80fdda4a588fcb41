import { beforeEach, describe, expect, it } from 'vitest';
import type { CoreResult, SearchHit } from '../../shared/core-api.js';
import type { FakeCore } from '../testing/fake-core.js';
import { BOB, deferred, withFakeCore } from '../testing/setup.js';
import { useSearchStore } from './search.js';

describe('search store', () => {
  let core: FakeCore;
  beforeEach(() => {
    core = withFakeCore();
    core.seedContact({ accountId: BOB, name: 'Bob' });
    core.seedChat({ chatId: 'c1', with: [BOB] });
    core.seedMessages('c1', 5, { text: (i) => ['lunch at noon?', 'sure', 'the lunch place', 'ok', 'bye'][i]! });
  });

  it('finds messages across chats, newest first', async () => {
    const search = useSearchStore();
    await search.run('lunch');
    expect(search.hits.map((h) => [h.chatTitle, h.message.text])).toEqual([['Bob', 'the lunch place'], ['Bob', 'lunch at noon?']]);
    expect(search.searching).toBe(false);
    expect(core.calls.find((c) => c.method === 'search')?.args).toEqual(['lunch', { limit: 50 }]);
  });

  it('clears for an empty query without asking the core', async () => {
    const search = useSearchStore();
    await search.run('lunch');
    await search.run('   ');
    expect(search.hits).toEqual([]);
    expect(core.calls.filter((c) => c.method === 'search')).toHaveLength(1);
  });

  it('drops the answer to an older query that arrives late', async () => {
    const search = useSearchStore();
    const slow = deferred<CoreResult<SearchHit[]>>();
    const real = core.search.bind(core);
    core.search = (q, o) => (q === 'lu' ? slow.promise : real(q, o));
    const first = search.run('lu');
    await search.run('bye');
    slow.resolve({ ok: true, value: [] });
    await first;
    expect(search.query).toBe('bye');
    expect(search.hits.map((h) => h.message.text)).toEqual(['bye']);
  });

  it('shows a core error', async () => {
    const search = useSearchStore();
    core.failNext('search', 'INVALID_ARGUMENT', 'bad query syntax');
    await search.run('"');
    expect(search.error?.text).toMatch(/bad query syntax/);
    expect(search.hits).toEqual([]);
  });
});
