// Turns the raw runs into medians, ratios against the targets, a markdown table and JSON.
import type { LatencyResult, ServerKind, ThroughputResult } from './protocol.js';
import { SERVER_LABELS } from './protocol.js';
import { median } from './stats.js';

export type WorkloadRun = {
  rep: number;
  server: ServerKind;
  workload: string;
  /** Which attempt this is: a run is redone when other processes were busy, and the least noisy one kept. */
  attempt: number;
  connectMs: number;
  throughput: ThroughputResult;
  latency: LatencyResult;
  cairnErrors: Record<string, number>;
};

export type IdleRun = { rep: number; server: ServerKind; connections: number; rssBeforeBytes: number; rssAfterBytes: number; bytesPerConnection: number };

export type Summary = {
  throughput: Record<string, Partial<Record<ServerKind, number>>>;
  p50: Record<string, Partial<Record<ServerKind, number>>>;
  p99: Record<string, Partial<Record<ServerKind, number>>>;
  /** Server CPU (% of a core) while it carried the fixed latency rate: the cost of that load. */
  latencyServerCpu: Record<string, Partial<Record<ServerKind, number>>>;
  /** Deliveries per second of server CPU time: steadier than deliveries/s when other processes take the server's core. */
  perServerCpuSecond: Record<string, Partial<Record<ServerKind, number>>>;
  serverCpu: Record<string, Partial<Record<ServerKind, number>>>;
  loadgenCpu: Record<string, Partial<Record<ServerKind, number>>>;
  otherCpu: Record<string, Partial<Record<ServerKind, number>>>;
  lost: Record<string, Partial<Record<ServerKind, number>>>;
  idleBytesPerConnection: Partial<Record<ServerKind, number>>;
};

export function summarize(servers: readonly ServerKind[], workloads: readonly string[], runs: readonly WorkloadRun[], idle: readonly IdleRun[]): Summary {
  const pick = (f: (r: WorkloadRun) => number): Record<string, Partial<Record<ServerKind, number>>> =>
    Object.fromEntries(
      workloads.map((w) => [w, Object.fromEntries(servers.map((s) => [s, median(runs.filter((r) => r.server === s && r.workload === w).map(f))]))]),
    );
  return {
    throughput: pick((r) => r.throughput.deliveriesPerSecond),
    p50: pick((r) => r.latency.p50),
    p99: pick((r) => r.latency.p99),
    latencyServerCpu: pick((r) => r.latency.cpu.serverPercent),
    perServerCpuSecond: pick((r) => r.throughput.deliveriesPerSecond / (r.throughput.cpu.serverPercent / 100)),
    serverCpu: pick((r) => r.throughput.cpu.serverPercent),
    loadgenCpu: pick((r) => r.throughput.cpu.loadgenPercent),
    otherCpu: pick((r) => r.throughput.cpu.otherPercent),
    lost: pick((r) => r.throughput.lostMessages + r.latency.lostMessages),
    idleBytesPerConnection: Object.fromEntries(servers.map((s) => [s, median(idle.filter((r) => r.server === s).map((r) => r.bytesPerConnection))])),
  };
}

const num = (v: number | undefined, digits = 0): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || !Number.isFinite(a / b) ? '–' : `${(a / b).toFixed(a / b < 10 ? 3 : 1)}×`);
const verdict = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? 'met' : '**not met**');

type Row = { metric: string; values: Partial<Record<ServerKind, number>>; digits: number; target: string; met: boolean | null };

function rows(summary: Summary, workloads: readonly string[]): Row[] {
  const out: Row[] = [];
  for (const w of workloads) {
    const t = summary.throughput[w] ?? {};
    const has = t.cairn !== undefined && Number.isFinite(t.cairn);
    const met =
      has && t.plain !== undefined && t.yws !== undefined ? t.cairn! >= 0.8 * t.plain && t.cairn! >= 1.5 * t.yws : null;
    out.push({ metric: `throughput ${w} (deliveries/s)`, values: t, digits: 0, target: '≥ 0.8× plain, ≥ 1.5× y-ws', met });
    out.push({ metric: `… per second of server CPU ${w}`, values: summary.perServerCpuSecond[w] ?? {}, digits: 0, target: '', met: null });
  }
  for (const w of workloads) {
    const limit = w === '100x10' ? 3 : w === '1x1000' ? 15 : null;
    out.push({ metric: `p50 latency ${w} @ 20k deliveries/s (ms)`, values: summary.p50[w] ?? {}, digits: 2, target: '', met: null });
    const p99 = summary.p99[w] ?? {};
    out.push({
      metric: `p99 latency ${w} @ 20k deliveries/s (ms)`,
      values: p99,
      digits: 2,
      target: limit === null ? '' : `≤ ${limit} ms`,
      met: limit === null || p99.cairn === undefined || !Number.isFinite(p99.cairn) ? null : p99.cairn <= limit,
    });
    out.push({ metric: `server CPU at that rate ${w} (% of a core)`, values: summary.latencyServerCpu[w] ?? {}, digits: 0, target: '', met: null });
  }
  const idle = Object.fromEntries(Object.entries(summary.idleBytesPerConnection).map(([s, b]) => [s, b / 1024])) as Partial<Record<ServerKind, number>>;
  out.push({ metric: 'RSS per idle connection (KB)', values: idle, digits: 1, target: '≤ 16 KB', met: idle.cairn === undefined || !Number.isFinite(idle.cairn) ? null : idle.cairn <= 16 });
  return out;
}

export function markdownTable(servers: readonly ServerKind[], workloads: readonly string[], summary: Summary): string {
  const header = ['metric (median of runs)', ...servers.map((s) => SERVER_LABELS[s]), 'cairn / plain', 'cairn / y-ws', 'target (cairn)', 'verdict'];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const row of rows(summary, workloads)) {
    const cells = servers.map((s) => num(row.values[s], row.digits));
    lines.push(`| ${[row.metric, ...cells, ratio(row.values.cairn, row.values.plain), ratio(row.values.cairn, row.values.yws), row.target || '–', row.target ? verdict(row.met) : '–'].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Whether the numbers can be trusted: CPU of server and load generator during saturation, and losses. */
export function sanityTable(servers: readonly ServerKind[], workloads: readonly string[], summary: Summary): string {
  const header = ['CPU % during throughput, lost msgs', ...workloads.flatMap((w) => [`${w} server`, `${w} load-gen`, `${w} others`, `${w} lost`])];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const s of servers) {
    const cells = workloads.flatMap((w) => [num(summary.serverCpu[w]?.[s]), num(summary.loadgenCpu[w]?.[s]), num(summary.otherCpu[w]?.[s]), num(summary.lost[w]?.[s])]);
    lines.push(`| ${[SERVER_LABELS[s], ...cells].join(' | ')} |`);
  }
  return lines.join('\n');
}
