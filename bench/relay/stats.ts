// Small statistics helpers for the bench: medians of repetitions and latency percentiles.

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of the first `count` samples; sorts them in place. */
export function percentiles(samples: Float64Array, count: number, ps: readonly number[]): number[] {
  if (count === 0) return ps.map(() => Number.NaN);
  const view = samples.subarray(0, count).sort();
  return ps.map((p) => view[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))]!);
}
