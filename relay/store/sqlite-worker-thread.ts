// The thread behind openSqliteWorkerStore (sqlite-worker.ts): opens the relay's SQLite store and serves
// its methods to the relay's main thread, so commits and WAL checkpoints never block fan-out.
//
// Order: each request's method starts the moment its message is read, exactly as an in-thread call
// starts when it is made, so calls run in the order they were sent (the batcher's commit order).
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { openSqliteStore } from './sqlite.js';
import { pack, STORE_METHODS, unpack } from './sqlite-worker-codec.js';
import type { Hello, Reply, Request, StoreMethod, WorkerOptions } from './sqlite-worker-codec.js';
import type { RelayStore } from './types.js';

const SERVED: ReadonlySet<string> = new Set(STORE_METHODS);

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function send(port: MessagePort, reply: Reply): void {
  if ('result' in reply && reply.result.bytes !== null) port.postMessage(reply, [reply.result.bytes]);
  else port.postMessage(reply);
}

function call(store: RelayStore, method: StoreMethod, args: unknown[]): Promise<unknown> {
  return (store[method] as (...a: unknown[]) => Promise<unknown>).apply(store, args);
}

async function serve(port: MessagePort, options: WorkerOptions): Promise<void> {
  let store: RelayStore;
  try {
    store = await openSqliteStore(options);
  } catch (error) {
    port.postMessage({ ready: false, error: message(error) } satisfies Hello);
    port.close();
    return;
  }
  port.on('message', (request: Request) => {
    const { id, method } = request;
    let running: Promise<unknown>;
    try {
      if (!SERVED.has(method)) throw new Error(`relay store worker: no method ${String(method)}`);
      running = call(store, method, unpack(request.args) as unknown[]);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (result) => {
        send(port, { id, result: pack(result) });
        // The database is closed: let the thread end (the main thread terminates it too).
        if (method === 'close') port.close();
      },
      (error: unknown) => send(port, { id, error: message(error) }),
    );
  });
  port.postMessage({ ready: true } satisfies Hello);
}

if (isMainThread || parentPort === null) throw new Error('sqlite-worker-thread runs only as a worker thread (see openSqliteWorkerStore)');
await serve(parentPort, workerData as WorkerOptions);
