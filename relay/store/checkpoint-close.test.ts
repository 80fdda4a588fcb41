import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// Terminating the checkpoint thread while it loaded better-sqlite3 once aborted a CI run (a fatal N-API error in the
// addon's registration); close() now waits for the thread to be up. The abort is a race, so this guards, not proves.
import { openSqliteStore } from './sqlite.js';
import { openSqliteWorkerStore, withCheckpointThread } from './sqlite-worker.js';

describe('closing a store while its checkpoint thread is still starting', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const fresh = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-ckpt-close-'));
    dirs.push(dir);
    return join(dir, 'relay.sqlite');
  };

  it.each(['in-thread', 'worker'])('%s store: open then close at once or a few ms later, many times, and the process lives on', async (kind) => {
    let closed = 0;
    for (let i = 0; i < 40; i++) {
      const path = fresh();
      const store = kind === 'worker' ? await openSqliteWorkerStore({ path }) : withCheckpointThread(await openSqliteStore({ path }), path);
      // Spread the close over the thread's start-up (here: the .ts sources, then better-sqlite3, ~20-150 ms).
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, (i * 37) % 160));
      await store.close();
      if (kind === 'worker') await expect(store.stats()).rejects.toThrow(/closed/);
      closed++;
    }
    expect(closed).toBe(40);
  }, 60_000);
});
