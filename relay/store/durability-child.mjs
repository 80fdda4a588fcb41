// Child process for sqlite-durability.test.ts: appends batches to the relay SQLite store (in this
// thread, or in its worker thread with the argument `worker`) forever,
// printing each seq once its commit has resolved, until the test SIGKILLs it mid-burst.
//
// It runs the TypeScript source directly: Node strips types (default from 22.18; the test also passes
// --experimental-strip-types), and the hook below maps the sources' NodeNext-style `./x.js` imports
// to the `./x.ts` files that exist (dist/ may not be built when tests run, and neither tsx nor a
// loader package is installed).
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (!/^\.\.?\//.test(specifier) || !specifier.endsWith('.js')) throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});

const [path, batchArg, adapter] = process.argv.slice(2);
const batchSize = Number(batchArg ?? 100);
// 'worker': the store runs in a worker thread (sqlite-worker.ts), so a resolved append crossed threads.
const store = adapter === 'worker' ? await (await import('./sqlite-worker.ts')).openSqliteWorkerStore({ path }) : await (await import('./sqlite.ts')).openSqliteStore({ path });
const topic = new Uint8Array(32).fill(1);
const sender = new Uint8Array(32).fill(2);
await store.createTopic(topic, new Uint8Array(32).fill(3), 0);
process.stdout.write('ready\n');

for (let n = 0; ; n++) {
  const batch = Array.from({ length: batchSize }, (_, i) => ({ topic, sender, createdAt: Date.now(), payload: new Uint8Array(64 + ((n + i) % 200)).fill(i & 0xff) }));
  const seqs = await store.append(batch);
  // Pipes are synchronous on Linux, so a seq is in the parent's pipe before the next commit starts.
  process.stdout.write(`${seqs.join('\n')}\n`);
}
