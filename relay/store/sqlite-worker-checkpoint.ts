// A thread that checkpoints the relay store's WAL on its own connection (PASSIVE: it never blocks the
// store's writer), started by openSqliteWorkerStore. Without it SQLite checkpoints inside the commit
// that grows the WAL past 1000 pages, copying those pages and syncing the file before that commit's
// promise resolves (~5 ms here). With it that auto-checkpoint still runs when the WAL is full (it is
// what restarts the WAL), but finds nearly every page already copied.
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

export type CheckpointOptions = { path: string; everyMs: number };

function run(options: CheckpointOptions, port: MessagePort): void {
  const db = new Database(options.path, { fileMustExist: true });
  // Up (better-sqlite3 loaded): from now on the store may terminate this thread safely.
  port.postMessage('ready');
  setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), options.everyMs);
}

if (isMainThread || parentPort === null) throw new Error('sqlite-worker-checkpoint runs only as a worker thread (see openSqliteWorkerStore)');
run(workerData as CheckpointOptions, parentPort);
