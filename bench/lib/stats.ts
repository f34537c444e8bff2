/** Small statistics and formatting helpers; pure. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const mib = (bytes: number): number => bytes / 1024 / 1024;

/** A difference with its sign, e.g. `+0.31 ms`, `-0.24 ms`. */
export const signedMs = (ms: number): string => `${ms >= 0 ? '+' : ''}${round(ms).toFixed(2)} ms`;
