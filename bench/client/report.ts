// Medians of the runs per crypto backend, checked against issue 3's targets, as markdown tables. Cells read
// "CPU (wall)": verdicts go by the main thread's CPU time, since wall time on a shared machine also counts
// waiting for other processes; on an idle machine the two meet.
import type { Sodium } from '../../src/shared/crypto/sodium.js';
import { median } from '../relay/stats.js';
import type { Fig } from './meter.js';
import type { FigureKey, ImplRun } from './phases.js';

type Impl = Sodium['name'];
export const IMPLS: readonly Impl[] = ['wasm', 'native'];

/** `target`: the issue's bound per backend; `better`: which way is good. */
type Row = { metric: string; key: FigureKey; digits: number; target?: Record<Impl, number>; better?: 'lower' | 'higher' };

export const ROWS: readonly Row[] = [
  { metric: 'send, 100 per transaction, grouped: one envelope per transaction (µs/msg)', key: 'sendTx100Us', digits: 1, target: { wasm: 80, native: 40 }, better: 'lower' },
  { metric: 'send, 1 per transaction (µs/msg)', key: 'sendTx1Us', digits: 1, target: { wasm: 80, native: 40 }, better: 'lower' },
  { metric: 'receive, live, 1 per transaction (µs/msg)', key: 'receiveEmptyUs', digits: 1, target: { wasm: 150, native: 80 }, better: 'lower' },
  { metric: 'receive, in a burst, ≤ 256 per transaction, main thread (µs/msg)', key: 'burstUs', digits: 1, target: { wasm: 150, native: 80 }, better: 'lower' },
  { metric: 'catch-up, 10k sealed updates in one burst (msg/s)', key: 'catchUpPerSecond', digits: 0, target: { wasm: 10_000, native: 10_000 }, better: 'higher' },
  { metric: 'receive, live, in a 100k-message chat (µs/msg)', key: 'receiveBigUs', digits: 1 },
  { metric: 'receive cost, 100k-message chat / empty chat', key: 'receiveRatio', digits: 2, target: { wasm: 1.5, native: 1.5 }, better: 'lower' },
  { metric: 'latest 50 of a 100k-message chat, CoreApi.messages (ms)', key: 'latest50Ms', digits: 2, target: { wasm: 50, native: 50 }, better: 'lower' },
];

export const CONTEXT_ROWS: readonly Row[] = [
  { metric: 'Ed25519 sign alone, 470 B (µs)', key: 'signUs', digits: 1 },
  { metric: 'Ed25519 verify alone, 470 B (µs)', key: 'verifyUs', digits: 1 },
  { metric: 'seal envelope, 300 B plaintext (µs)', key: 'sealUs', digits: 1 },
  { metric: 'open envelope, 300 B plaintext (µs)', key: 'openUs', digits: 1 },
  { metric: 'send without its compaction, 100 per transaction (µs/msg)', key: 'sendTx100LoopUs', digits: 1 },
  { metric: 'send without its compaction, 1 per transaction (µs/msg)', key: 'sendTx1LoopUs', digits: 1 },
  { metric: 'background log compaction per log row (µs), counted above per row a send appends', key: 'compactionUsPerRow', digits: 1 },
  { metric: 'catch-up including its compaction (msg/s)', key: 'catchUpWithCompactionPerSecond', digits: 0 },
  { metric: 'burst receive, all threads (verify worker included) (µs/msg)', key: 'burstProcessUs', digits: 1 },
  { metric: 'catch-up per second of CPU of all threads (msg/s)', key: 'catchUpProcessPerSecond', digits: 0 },
  { metric: 'catch-up: longest event-loop stall (ms, wall)', key: 'catchUpStallMs', digits: 0 },
  { metric: 'first use of a 100k-message chat: doc load (ms)', key: 'bigDocLoadMs', digits: 0 },
  { metric: '… JS heap that doc holds (MB)', key: 'bigDocHeapMB', digits: 0 },
  { metric: 'CoreApi.messages latest 50, first call (ms, wall)', key: 'latest50FirstMs', digits: 2 },
  { metric: 'CoreApi.send, empty chat, short outbox (µs/msg)', key: 'coreSendEmptyUs', digits: 0 },
  { metric: 'CoreApi.send, 800-1,000 sends queued offline (µs/msg)', key: 'coreSendQueuedUs', digits: 0 },
  { metric: 'CoreApi.send, 100k-message chat read to the end (µs/msg)', key: 'coreSendBigUs', digits: 0 },
  { metric: 'CoreApi.chats, 100k-message chat all unread (ms)', key: 'chatsAllUnreadMs', digits: 2 },
  { metric: 'CoreApi.chats, 100k-message chat read to the end (ms)', key: 'chatsReadMs', digits: 2 },
];

export type Summary = Record<string, Partial<Record<Impl, Fig>>>;

export function summarize(runs: readonly ImplRun[]): Summary {
  const out: Summary = {};
  for (const row of [...ROWS, ...CONTEXT_ROWS]) {
    out[row.key] = Object.fromEntries(
      IMPLS.map((i) => {
        const figs = runs.filter((r) => r.impl === i).flatMap((r) => r.figures[row.key] ?? []);
        return [i, { cpu: median(figs.map((f) => f.cpu)), wall: median(figs.map((f) => f.wall)) }];
      }),
    );
  }
  return out;
}

const num = (v: number | undefined, digits: number): string =>
  v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const cell = (f: Fig | undefined, digits: number): string => {
  if (f === undefined) return '–';
  if (!Number.isFinite(f.cpu)) return num(f.wall, digits);
  return `${num(f.cpu, digits)} (${num(f.wall, digits)})`;
};

function verdict(row: Row, impl: Impl, f: Fig | undefined): string {
  const bound = row.target?.[impl];
  if (bound === undefined || f === undefined || !Number.isFinite(f.cpu)) return '–';
  return (row.better === 'higher' ? f.cpu >= bound : f.cpu <= bound) ? 'met' : '**not met**';
}

const bound = (row: Row, impl: Impl): string => {
  const b = row.target?.[impl];
  return b === undefined ? '–' : `${row.better === 'higher' ? '≥' : '≤'} ${num(b, b < 10 ? 1 : 0)}`;
};

export function markdownTable(summary: Summary, reps: number): string {
  const header = [`metric (median of ${reps} runs): CPU (wall)`, 'wasm', 'native', 'target wasm / native', 'wasm', 'native'];
  const lines = [`| ${header.join(' | ')} |`, '| --- | ---: | ---: | :---: | :---: | :---: |'];
  for (const row of ROWS) {
    const v = summary[row.key] ?? {};
    lines.push(`| ${[row.metric, cell(v.wasm, row.digits), cell(v.native, row.digits), `${bound(row, 'wasm')} / ${bound(row, 'native')}`, verdict(row, 'wasm', v.wasm), verdict(row, 'native', v.native)].join(' | ')} |`);
  }
  return lines.join('\n');
}

export function contextTable(summary: Summary, runs: readonly ImplRun[]): string {
  const lines = ['| context (median of runs): CPU (wall) | wasm | native |', '| --- | ---: | ---: |'];
  for (const row of CONTEXT_ROWS) {
    const v = summary[row.key] ?? {};
    lines.push(`| ${row.metric} | ${cell(v.wasm, row.digits)} | ${cell(v.native, row.digits)} |`);
  }
  const others = (i: Impl) => num(median(runs.filter((r) => r.impl === i).map((r) => r.otherCpuPercent)), 0);
  lines.push(`| other processes' CPU during the runs (% of a core) | ${others('wasm')} | ${others('native')} |`);
  return lines.join('\n');
}
