// With BENCH_NICE, each bench process runs in its own session (setsid) and sets its scheduler autogroup's
// nice: Linux shares CPU fairly between autogroups (sessions) first, so a plain `nice` alone would not
// lift the bench above other sessions' work on a shared machine.
import { writeFileSync } from 'node:fs';

export function applyAutogroupNice(): void {
  const nice = process.env.BENCH_AUTOGROUP_NICE;
  if (nice === undefined || !/^-?\d+$/.test(nice)) return;
  try {
    writeFileSync('/proc/self/autogroup', nice);
  } catch {
    // No autogroups here (or no permission): the per-process nice is all there is.
  }
}
