// Mask selection penalty (ISO/IEC 18004, 7.8.3): runs, 2x2 blocks, finder-like patterns, dark balance.
import type { ModuleGrid } from './matrix.js';

const RUN = 3;
const BLOCK = 3;
const FINDER_LIKE = 40;
const BALANCE = 10;

/** Runs of equal colour along one line, starting with a light run; the light quiet zone extends both ends. */
function runsOf(at: (i: number) => number, n: number): number[] {
  const runs = [n];
  let colour = 0;
  for (let i = 0; i < n; i++) {
    const c = at(i);
    if (c === colour) runs[runs.length - 1]!++;
    else {
      runs.push(1);
      colour = c;
    }
  }
  if (colour === 1) runs.push(n);
  else runs[runs.length - 1]! += n;
  return runs;
}

function lineScore(at: (i: number) => number, n: number): number {
  const runs = runsOf(at, n);
  let score = 0;
  // The first and last runs are padded with the quiet zone, which is not part of the symbol.
  for (let i = 0; i < runs.length; i++) {
    const inside = runs[i]! - (i === 0 ? n : 0) - (i === runs.length - 1 ? n : 0);
    if (inside >= 5) score += RUN + inside - 5;
  }
  // Dark runs sit at odd indexes: a 1:1:3:1:1 dark/light pattern with four units of light on one side
  // and at least one on the other (the quiet zone counts as light).
  for (let i = 1; i + 5 < runs.length; i += 2) {
    const u = runs[i]!;
    if (runs[i + 1] !== u || runs[i + 2] !== 3 * u || runs[i + 3] !== u || runs[i + 4] !== u) continue;
    const before = runs[i - 1]!;
    const after = runs[i + 5]!;
    if (before >= 4 * u && after >= u) score += FINDER_LIKE;
    if (after >= 4 * u && before >= u) score += FINDER_LIKE;
  }
  return score;
}

export function penaltyScore(grid: ModuleGrid): number {
  const { size: n, modules: m } = grid;
  let score = 0;
  for (let y = 0; y < n; y++) score += lineScore((x) => m[y * n + x]!, n);
  for (let x = 0; x < n; x++) score += lineScore((y) => m[y * n + x]!, n);
  for (let y = 0; y + 1 < n; y++) {
    for (let x = 0; x + 1 < n; x++) {
      const c = m[y * n + x];
      if (c === m[y * n + x + 1] && c === m[(y + 1) * n + x] && c === m[(y + 1) * n + x + 1]) score += BLOCK;
    }
  }
  let dark = 0;
  for (const c of m) dark += c;
  const total = n * n;
  // Each full 5% step away from an even split costs BALANCE.
  const k = Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1;
  return score + Math.max(0, k) * BALANCE;
}
