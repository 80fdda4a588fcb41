// `npm run bench:backfill`: issue 5's backfill benchmark alone (bench/client/backfill.ts), native crypto as the
// core uses it in Node. Prints a markdown table of the runs and their median and writes
// bench/results/backfill-<date>[-HHMM].json. Knobs: BENCH_BACKFILL_MESSAGES (default 10000), BENCH_BACKFILL_REPS (3).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSodium } from '../../src/main/crypto/index.js';
import { backfillTable, measureBackfill } from './backfill.js';
import { resultsFile } from '../results-file.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MESSAGES = Number(process.env.BENCH_BACKFILL_MESSAGES ?? 10_000);
const REPS = Math.max(1, Number(process.env.BENCH_BACKFILL_REPS ?? 3));
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const sodium = await loadSodium();
  const runs = await measureBackfill(sodium, repoRoot, MESSAGES, REPS, log);
  const table = backfillTable(runs);
  const date = new Date().toISOString().slice(0, 10);
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = resultsFile(dir, 'backfill');
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version }, crypto: sodium.name, runs, table }, null, 2)}\n`);
  process.stdout.write(`\n## Backfill benchmark ${date} (${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, ${sodium.name} crypto)\n\n${table}\n\nraw results: ${file}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    log(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
