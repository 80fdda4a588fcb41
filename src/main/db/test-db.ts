// Test helper: a migrated client database in a fresh temp dir, removed again by the returned cleanup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClientDb, type ClientDb } from './open.js';

export function tempClientDb(): { db: ClientDb; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-client-db-'));
  const db = openClientDb(join(dir, 'cairn.db'));
  return {
    db,
    dir,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
