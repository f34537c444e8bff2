/**
 * Baseline and watchdog measured in the same run, interleaved in short slices (A B, B A, A B,
 * ...) so drift and bursts of noise on a shared VM weigh on both alike. The ratio is the
 * median of the per-round ratios, which one noisy slice cannot move much.
 */
import { assertClean, runLoad } from './load.ts';
import type { LoadOptions, LoadResult } from './load.ts';
import { median } from './stats.ts';

const SLICE_SECONDS = 1;

export interface Pair {
  readonly baseline: LoadResult;
  readonly watchdog: LoadResult;
  /** Median over rounds of watchdog rps / baseline rps. */
  readonly ratio: number;
  readonly roundRatios: readonly number[];
}

/** Sums runs of the same target into one result (rates weighted by duration). */
export function merge(runs: readonly LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number): number => runs.reduce((s, r) => s + f(r), 0);
  const seconds = sum((r) => r.seconds);
  return {
    requests: sum((r) => r.requests),
    seconds,
    rps: sum((r) => r.rps * r.seconds) / seconds,
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    latencyP50Ms: sum((r) => r.latencyP50Ms) / runs.length,
    latencyP99Ms: Math.max(...runs.map((r) => r.latencyP99Ms)),
  };
}

export interface CompareOptions extends Omit<LoadOptions, 'url'> {
  readonly baselineUrl: string;
  readonly watchdogUrl: string;
  /** Unmeasured seconds against each target first. */
  readonly warmupSeconds: number;
}

export async function compareThroughput(o: CompareOptions): Promise<Pair> {
  const { baselineUrl, watchdogUrl, warmupSeconds, ...load } = o;
  const base = (seconds: number): Promise<LoadResult> =>
    runLoad({ ...load, url: baselineUrl, seconds });
  const wd = (seconds: number): Promise<LoadResult> =>
    runLoad({ ...load, url: watchdogUrl, seconds });
  await base(warmupSeconds);
  await wd(warmupSeconds);
  const bs: LoadResult[] = [];
  const ws: LoadResult[] = [];
  const rounds = Math.max(2, Math.round(o.seconds / SLICE_SECONDS));
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) bs.push(await base(SLICE_SECONDS));
    ws.push(await wd(SLICE_SECONDS));
    if (i % 2 === 1) bs.push(await base(SLICE_SECONDS));
  }
  const roundRatios = ws.map((w, i) => w.rps / bs[i]!.rps);
  const pair = {
    baseline: merge(bs),
    watchdog: merge(ws),
    ratio: median(roundRatios),
    roundRatios,
  };
  assertClean(`baseline ${baselineUrl}`, pair.baseline);
  assertClean(`watchdog ${watchdogUrl}`, pair.watchdog);
  return pair;
}
