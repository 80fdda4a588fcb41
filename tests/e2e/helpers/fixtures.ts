// Playwright fixtures: a real relay per worker, and `cairn serve` instances per test (stopped afterwards).
import { test as base } from '@playwright/test';
import { startRelay, type RelayProcess } from '../../integration/helpers/relay-process.js';
import { startServe, type ServeProcess, type StartServeOptions } from './serve-process.js';

export type E2eFixtures = {
  /** Starts a `cairn serve --port 0` on a fresh temp home; every one is stopped after the test. */
  serve: (options?: StartServeOptions) => Promise<ServeProcess>;
};

export const test = base.extend<E2eFixtures, { relay: RelayProcess }>({
  relay: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
    async ({}, use) => {
      const relay = await startRelay();
      try {
        await use(relay);
      } finally {
        await relay.stop();
      }
    },
    { scope: 'worker' },
  ],
  // eslint-disable-next-line no-empty-pattern -- as above.
  serve: async ({}, use, testInfo) => {
    const started: ServeProcess[] = [];
    await use(async (options) => {
      const s = await startServe(options);
      started.push(s);
      return s;
    });
    const exits = await Promise.all(started.map((s) => s.stop()));
    // A serve that crashed during the test is worth seeing next to the failure.
    for (const [i, s] of started.entries()) {
      if (exits[i]!.code !== 0) await testInfo.attach(`cairn serve ${i} stderr`, { body: s.stderr(), contentType: 'text/plain' });
    }
  },
});

export { expect } from '@playwright/test';
