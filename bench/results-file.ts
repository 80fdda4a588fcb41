// Where a benchmark keeps a run's raw JSON: named by the day, and by the time as well when that day already has a
// run, so a second run on the same day never overwrites the first (docs/BENCHMARKS.md cites these files).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A path under dir for stem's run at `now` (UTC) that no earlier run holds. */
export function resultsFile(dir: string, stem: string, now: Date = new Date(), exists: (path: string) => boolean = existsSync): string {
  const iso = now.toISOString();
  const candidates = [`${stem}-${iso.slice(0, 10)}`, `${stem}-${iso.slice(0, 10)}-${iso.slice(11, 16).replace(':', '')}`, `${stem}-${iso.slice(0, 10)}-${iso.slice(11, 19).replaceAll(':', '')}`];
  for (const name of candidates) {
    const path = join(dir, `${name}.json`);
    if (!exists(path)) return path;
  }
  return join(dir, `${stem}-${iso.replaceAll(':', '').replace('.', '-')}.json`);
}
