/**
 * Latency at one connection: one keep-alive connection per target, one request at a time, the
 * next sent as soon as the last is answered (no pacing), each timed with performance.now()
 * from just before it is written to its last response byte. The targets are interleaved in
 * slices of `perSlice` requests (A B C, C B A, A B C, …), so drift and noise on a shared
 * machine weigh on all alike; the added latency is the median of the per-round differences.
 * The timed request is bench/lib/paced.ts's (which does the same with pacing).
 */
import { Agent } from 'node:http';
import { timedPost } from '../lib/paced.ts';
import { median, percentile } from '../lib/stats.ts';

export interface SequentialTarget {
  readonly name: string;
  readonly url: string;
}

export interface SequentialOptions {
  /** The first is the baseline the others are compared with. */
  readonly targets: readonly SequentialTarget[];
  readonly body: string;
  /** Unmeasured requests against each target first. */
  readonly warmup: number;
  readonly rounds: number;
  readonly perSlice: number;
  /** Rounds stop early once this much time has passed (every loop is bounded in time too). */
  readonly maxMs: number;
  readonly timeoutMs?: number;
}

export interface LatencySummary {
  readonly name: string;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  /** Median over rounds of (this p50 − baseline p50), ms; 0 for the baseline. */
  readonly addedP50Ms: number;
  /** Median over rounds of (this p99 − baseline p99), ms. */
  readonly addedP99Ms: number;
  readonly roundAddedP50Ms: readonly number[];
}

export interface SequentialResult {
  readonly rounds: number;
  readonly perSlice: number;
  readonly targets: readonly LatencySummary[];
}

/** Rounds visit the targets in order, then in reverse order, and so on. */
export async function compareSequential(o: SequentialOptions): Promise<SequentialResult> {
  const agents = o.targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const timeoutMs = o.timeoutMs ?? 5000;
  const slice = async (i: number, n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let k = 0; k < n; k++) {
      out.push(await timedPost(agents[i]!, o.targets[i]!.url, o.body, timeoutMs));
    }
    return out;
  };
  try {
    for (let i = 0; i < o.targets.length; i++) await slice(i, o.warmup);
    const started = performance.now();
    const slices: number[][][] = o.targets.map(() => []);
    for (let r = 0; r < o.rounds && performance.now() - started < o.maxMs; r++) {
      const order = o.targets.map((_, i) => i);
      if (r % 2 === 1) order.reverse();
      for (const i of order) slices[i]!.push(await slice(i, o.perSlice));
    }
    const base = slices[0]!;
    const added = (mine: number[][], p: number): number[] =>
      mine.map((s, r) => percentile(s, p) - percentile(base[r]!, p));
    return {
      rounds: base.length,
      perSlice: o.perSlice,
      targets: o.targets.map((t, i) => {
        const all = slices[i]!.flat();
        const roundAddedP50Ms = added(slices[i]!, 50);
        return {
          name: t.name,
          samples: all.length,
          p50Ms: percentile(all, 50),
          p90Ms: percentile(all, 90),
          p99Ms: percentile(all, 99),
          addedP50Ms: median(roundAddedP50Ms),
          addedP99Ms: median(added(slices[i]!, 99)),
          roundAddedP50Ms,
        };
      }),
    };
  } finally {
    for (const a of agents) a.destroy();
  }
}
