// The relay's durability promise: a commit whose promise resolved (so PUBLISHED was sent) survives
// SIGKILL of the process with synchronous=NORMAL in WAL mode.
import { spawn } from 'node:child_process';
import module from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TopicId } from '../../src/shared/ids.js';
import { openSqliteStore } from './sqlite.js';

const CHILD = fileURLToPath(new URL('./durability-child.mjs', import.meta.url));
const TOPIC = new Uint8Array(32).fill(1) as TopicId;

/** Where the child runs the store: on its main thread (sqlite.ts) or in a worker thread (sqlite-worker.ts). */
type Adapter = 'in-thread' | 'worker';

/** Runs the child until it has printed at least `atLeast` committed seqs, then SIGKILLs it mid-burst. */
function appendUntilKilled(path: string, atLeast: number, adapter: Adapter): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // The flag is the default from Node 22.18 and enables type stripping on 22.12-22.17.
    const child = spawn(process.execPath, ['--experimental-strip-types', CHILD, path, '50', adapter], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child printed too little before the deadline; stderr: ${err}`));
    }, 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && (out.match(/\n/g)?.length ?? 0) > atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') return reject(new Error(`child exited with ${code}; stderr: ${err}`));
      // Only complete lines count: a seq is printed after its commit resolved.
      const lines = out.slice(0, out.lastIndexOf('\n')).split('\n');
      resolve(lines.filter((l) => l !== 'ready').map(Number));
    });
  });
}

describe('relay SQLite store durability', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it.for<Adapter>(['in-thread', 'worker'])('%s: keeps every seq whose append resolved when the process is SIGKILLed mid-burst, restart after restart', async (adapter, t) => {
    // The child maps .js imports to the .ts sources with module.registerHooks (Node >= 22.15).
    if (typeof (module as { registerHooks?: unknown }).registerHooks !== 'function') return t.skip('needs Node >= 22.15 (module.registerHooks)');
    const dir = mkdtempSync(join(tmpdir(), 'cairn-relay-durability-'));
    dirs.push(dir);
    const path = join(dir, 'relay.sqlite');
    const printed: number[] = [];
    for (const atLeast of [500, 3_000, 8_000]) {
      const seqs = await appendUntilKilled(path, atLeast, adapter);
      expect(seqs.length).toBeGreaterThanOrEqual(atLeast);
      printed.push(...seqs);

      const store = await openSqliteStore({ path });
      try {
        const meta = (await store.getTopic(TOPIC))!;
        const last = printed[printed.length - 1]!;
        expect(meta.headSeq).toBeGreaterThanOrEqual(last);
        const stored = await store.readAfter(TOPIC, 0, Number.MAX_SAFE_INTEGER);
        const storedSeqs = stored.map((u) => u.seq);
        expect(storedSeqs).toEqual(Array.from({ length: meta.headSeq }, (_, i) => i + 1));
        // A batch may commit and the child die before printing it (a wider window through a worker
        // thread), so printed seqs can skip a batch; what matters is that every printed one is stored.
        const storedSet = new Set(storedSeqs);
        expect(printed.filter((seq) => !storedSet.has(seq))).toEqual([]);
        expect(printed.every((seq, i) => i === 0 || seq > printed[i - 1]!)).toBe(true);
        // The counters committed in the same transactions as the rows, so they agree after a crash.
        expect(stored.length).toBe(meta.headSeq);
        expect(meta.storedUpdates).toBe(stored.length);
        expect(meta.storedBytes).toBe(stored.reduce((n, u) => n + u.payload.length, 0));
      } finally {
        await store.close();
      }
    }
  });
});
