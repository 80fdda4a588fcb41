// CPU accounting from /proc: how much of a core the server, the load generator and everything else used
// over a measurement window (the machine is shared, so "everything else" says how far to trust a run).
import { readFileSync } from 'node:fs';

/** Linux reports /proc times in clock ticks of 1/100 s on every platform Node runs on here. */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND;
}

export type CpuPids = { server: number; loadgen: number; orchestrator: number };
export type CpuSnapshot = { at: number; server: number; loadgen: number; orchestrator: number; machine: number };
/** Percent of one core over a window. */
export type CpuShares = { serverPercent: number; loadgenPercent: number; otherPercent: number };

export function cpuSnapshot(pids: CpuPids): CpuSnapshot {
  return {
    at: performance.now(),
    server: cpuSeconds(pids.server),
    loadgen: cpuSeconds(pids.loadgen),
    orchestrator: cpuSeconds(pids.orchestrator),
    machine: machineBusySeconds(),
  };
}

export function cpuShares(a: CpuSnapshot, b: CpuSnapshot): CpuShares {
  const wall = (b.at - a.at) / 1000;
  const pct = (seconds: number): number => (seconds / wall) * 100;
  const server = pct(b.server - a.server);
  const loadgen = pct(b.loadgen - a.loadgen);
  const own = server + loadgen + pct(b.orchestrator - a.orchestrator);
  return { serverPercent: server, loadgenPercent: loadgen, otherPercent: Math.max(0, pct(b.machine - a.machine) - own) };
}
