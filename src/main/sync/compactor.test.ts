import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDocLog, createDocStore } from '../db/index.js';
import { tempClientDb } from '../db/test-db.js';
import { Compactor } from './compactor.js';
import { silentLogger } from './logger.js';
import { waitFor } from '../../../tests/integration/helpers/wait.js';

describe('compactor', () => {
  let t: ReturnType<typeof tempClientDb>;
  beforeEach(() => (t = tempClientDb()));
  afterEach(() => t.cleanup());

  it('merges full runs in the background, one bounded run per macrotask, and the log still rebuilds the doc', async () => {
    createDocStore(t.db).ensure('d', 'chat', new Uint8Array(32));
    const log = createDocLog(t.db);
    const doc = new Y.Doc();
    doc.on('update', (u: Uint8Array) => log.appendUpdate('d', u));
    for (let i = 0; i < 25; i++) doc.getMap('m').set(`k${i}`, i);
    const compactor = new Compactor(log, silentLogger, 10);
    compactor.note('d', 9);
    expect(log.countUpdates('d')).toBe(25);
    compactor.note('d', 16);
    await waitFor(() => log.countUpdates('d') === 7);
    compactor.stop();
    const copy = new Y.Doc();
    for (const u of log.readUpdates('d')) Y.applyUpdate(copy, u);
    expect(copy.getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
  });
});
