// The relay's SQLite store run in a worker thread (sqlite-worker-thread.ts): the same openSqliteStore,
// but its commits and WAL checkpoints run beside the relay's event loop instead of inside it. That pays
// only with a core to spare: each call costs both threads a message and a wake-up (~40-50 us of CPU),
// and on a single core the woken store thread preempts the event loop anyway (see relay/cli.ts).
//
// Calls run in the order they are made (one thread, one connection, started in arrival order). A call
// the store rejects rejects here with the store's message. If the thread dies, every pending and later
// call rejects and onFatal runs once: the relay cannot know what was committed, so it should exit.
import { Worker } from 'node:worker_threads';
import { pack, STORE_METHODS, unpack } from './sqlite-worker-codec.js';
import type { Hello, Reply, Request, StoreMethod, WorkerOptions } from './sqlite-worker-codec.js';
import type { SqliteStoreOptions } from './sqlite.js';
import type { CheckpointOptions } from './sqlite-worker-checkpoint.js';
import type { RelayStore } from './types.js';

export type SqliteWorkerStoreOptions = SqliteStoreOptions & {
  /** Runs once when the store's thread dies while open (not on close()); the relay should exit non-zero. */
  onFatal?: (error: Error) => void;
  /** How often the checkpoint thread runs a PASSIVE checkpoint; 0 leaves checkpoints to SQLite. */
  checkpointEveryMs?: number;
  /** The checkpoint thread failed and stopped (the store goes on, checkpointing inside commits). */
  onCheckpointError?: (error: Error) => void;
};

/** Measured here (a commit pair of 20 appends + 64 acks every 8 ms): p99 6-7.5 ms with SQLite's own
 *  checkpoints, 2.6-4 ms with a PASSIVE checkpoint every 50 ms from another thread; the WAL stays at
 *  its 1000-page bound either way. */
const CHECKPOINT_EVERY_MS = 50;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** A thread entry beside this file: the compiled .js, or (running from the .ts sources, as under vitest)
 *  a bootstrap that maps the sources' `./x.js` imports to `./x.ts` before loading the .ts entry. */
function threadEntry(name: string): URL {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new URL(`./${name}.js`, self);
  const entry = new URL(`./${name}.ts`, self).href;
  const bootstrap = `import { registerHooks } from 'node:module';
if (typeof registerHooks !== 'function') throw new Error('running the relay store threads from .ts sources needs Node >= 22.15 (module.registerHooks)');
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!/^\\.\\.?\\//.test(specifier) || !specifier.endsWith('.js')) throw error;
      return nextResolve(specifier.slice(0, -3) + '.ts', context);
    }
  },
});
await import(${JSON.stringify(entry)});
`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

/** Opens the SQLite store at options.path in its own thread, with WAL checkpoints in another (see
 *  sqlite-worker-checkpoint.ts). Rejects with the store's message when it cannot be opened. */
export async function openSqliteWorkerStore(options: SqliteWorkerStoreOptions): Promise<RelayStore> {
  const { onFatal, checkpointEveryMs = CHECKPOINT_EVERY_MS, onCheckpointError, ...storeOptions } = options;
  const worker = new Worker(threadEntry('sqlite-worker-thread'), { workerData: storeOptions satisfies WorkerOptions, name: 'cairn-relay-store' });
  const store = await connectStoreWorker(worker, onFatal);
  return withCheckpointThread(store, storeOptions.path, checkpointEveryMs, onCheckpointError);
}

/** Runs PASSIVE WAL checkpoints of the store at path from their own thread every everyMs (0: none), for
 *  the in-thread store too: SQLite's own checkpoint (every 1000 WAL pages, ~5-9 ms of CPU here) otherwise
 *  runs inside whichever commit crosses the bound, on the event loop. Closing the store stops it first. */
export function withCheckpointThread(store: RelayStore, path: string, everyMs = CHECKPOINT_EVERY_MS, onError?: (error: Error) => void): RelayStore {
  if (everyMs <= 0 || path === ':memory:') return store;
  const checkpoints: CheckpointOptions = { path, everyMs };
  const checkpointer = new Worker(threadEntry('sqlite-worker-checkpoint'), { workerData: checkpoints, name: 'cairn-relay-checkpoint' });
  checkpointer.unref();
  // Losing it only brings back checkpoints inside commits (SQLite's own), so the store goes on.
  checkpointer.on('error', (error) => onError?.(error));
  // Terminating the thread while it loads better-sqlite3 aborts the whole process (a fatal N-API error in the
  // addon's registration, seen once in CI), so close waits until the thread says it is up, or has ended.
  const started = new Promise<void>((resolve) => {
    checkpointer.once('message', () => resolve());
    checkpointer.once('exit', () => resolve());
  });
  const closeStore = store.close.bind(store);
  // Stopped first, so the store's connection is the last one and its close removes the WAL.
  store.close = async () => {
    await boundedWait(started, STARTUP_WAIT_MS);
    await checkpointer.terminate();
    await closeStore();
  };
  return store;
}

/** How long close() waits for a checkpoint thread that has not come up (it never takes this long). */
const STARTUP_WAIT_MS = 10_000;

function boundedWait(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void p.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function awaitHello(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (hello: Hello): void => {
      done();
      if (hello.ready) resolve();
      else reject(new Error(hello.error));
    };
    const onError = (error: Error): void => {
      done();
      reject(new Error(`relay store worker failed to start: ${error.message}`, { cause: error }));
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`relay store worker exited (code ${code}) before the store was open`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** A RelayStore served by worker, a thread speaking the protocol of sqlite-worker-thread.ts (tests pass their own). */
export async function connectStoreWorker(worker: Worker, onFatal?: (error: Error) => void): Promise<RelayStore> {
  try {
    await awaitHello(worker);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const pending = new Map<number, Pending>();
  let nextId = 1;
  /** Set once the thread died or close() began: every later call rejects with it. */
  let ended: Error | null = null;
  let closing: Promise<void> | null = null;
  // Like an open database, an idle store does not keep the process alive; a pending call does.
  worker.unref();

  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return p;
  };
  const fail = (error: Error): void => {
    const fatal = ended === null;
    ended ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker.unref();
    if (fatal) onFatal?.(error);
  };

  worker.on('message', (reply: Reply) => {
    const p = settle(reply.id);
    if (p === undefined) return;
    if ('error' in reply) p.reject(new Error(reply.error));
    else p.resolve(unpack(reply.result));
  });
  worker.on('error', (error: Error) => fail(new Error(`relay store worker crashed: ${error.message}`, { cause: error })));
  worker.on('exit', (code: number) => {
    if (closing === null) fail(new Error(`relay store worker exited unexpectedly (code ${code})`));
    else for (const p of pending.values()) p.reject(new Error(`relay store worker ended (code ${code}) while closing`));
    pending.clear();
  });

  function call(method: StoreMethod, args: unknown[]): Promise<unknown> {
    if (ended !== null) return Promise.reject(ended);
    const packed = pack(args);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      const request: Request = { id, method, args: packed };
      if (packed.bytes !== null) worker.postMessage(request, [packed.bytes]);
      else worker.postMessage(request);
    });
  }

  async function close(): Promise<void> {
    if (closing !== null) return closing;
    const closed = ended === null ? call('close', []) : Promise.resolve();
    ended ??= new Error('relay store is closed');
    closing = closed.then(
      async () => void (await worker.terminate()),
      async (error: unknown) => {
        await worker.terminate();
        throw error;
      },
    );
    return closing;
  }

  const store: Partial<Record<StoreMethod, (...args: unknown[]) => Promise<unknown>>> = { close };
  for (const method of STORE_METHODS) if (method !== 'close') store[method] = (...args: unknown[]) => call(method, args);
  return store as unknown as RelayStore;
}
