/**
 * Scenario 2, prefork against fork with a Node handler: latency of paced requests at one
 * connection. Pacing (think time between requests) is what gives the pool time to refill;
 * back-to-back requests would wait on Node's start-up either way.
 */
import type { BenchContext } from '../lib/context.ts';
import { pacedLatencies } from '../lib/paced.ts';
import { prestartedLatencies } from '../lib/prestarted.ts';
import { FIXTURES, startWatchdog } from '../lib/processes.ts';
import type { Row, ScenarioResult } from '../lib/report.ts';
import { percentile, round, signedMs } from '../lib/stats.ts';

const BODY = JSON.stringify({ name: 'bench', items: [1, 2, 3] });
const WARMUP = 5;
const COUNT = 40;
const INTERVAL_MS = 150;
const TARGET_RATIO = 10;
const HANDLER = ['node', `${FIXTURES}/handler.mjs`] as const;

async function measure(ctx: BenchContext, mode: 'fork' | 'prefork'): Promise<number[]> {
  ctx.progress(`prefork latency: ${mode}, ${COUNT} requests every ${INTERVAL_MS}ms`);
  const wd = ctx.track(
    await startWatchdog({ mode, fprocess: HANDLER.join(' '), prefork_pool: '2' }),
  );
  try {
    return await pacedLatencies({
      url: wd.url,
      body: BODY,
      warmup: WARMUP,
      count: COUNT,
      intervalMs: INTERVAL_MS,
    });
  } finally {
    await wd.stop();
  }
}

interface Line {
  readonly metric: string;
  readonly base: number;
  readonly value: number;
  /** Whether this row carries the target (else informational). */
  readonly target?: boolean;
  /** Show the difference instead of the ratio. */
  readonly diff?: boolean;
}

const r3 = (s: readonly number[]): number[] => s.map((x) => round(x, 3));

function row({ metric, base, value, target = false, diff = false }: Line): Row {
  return {
    scenario: 'prefork node',
    metric,
    baseline: `${round(base).toFixed(2)} ms`,
    watchdog: `${round(value).toFixed(2)} ms`,
    ratio: diff ? signedMs(value - base) : `${round(base / value, 1).toFixed(1)}x lower`,
    target: target ? `>= ${TARGET_RATIO}x lower` : '',
    met: target ? base / value >= TARGET_RATIO : undefined,
  };
}

export async function preforkLatency(ctx: BenchContext): Promise<ScenarioResult> {
  const fork = await measure(ctx, 'fork');
  const prefork = await measure(ctx, 'prefork');
  ctx.progress('prefork latency: pre-started handler without HTTP (the floor)');
  const floor = await prestartedLatencies({
    argv: HANDLER,
    body: BODY,
    warmup: WARMUP,
    count: COUNT,
    intervalMs: INTERVAL_MS,
  });
  const p = (s: number[], q: number): number => percentile(s, q);
  const [forkP50, preforkP50, floorP50] = [p(fork, 50), p(prefork, 50), p(floor, 50)];
  return {
    name: 'prefork-latency',
    rows: [
      row({ metric: 'p50 (base: fork)', base: forkP50, value: preforkP50, target: true }),
      row({ metric: 'p99 (base: fork)', base: p(fork, 99), value: p(prefork, 99) }),
      row({ metric: 'p50 (base: handler alone)', base: floorP50, value: preforkP50, diff: true }),
    ],
    data: {
      warmup: WARMUP,
      count: COUNT,
      intervalMs: INTERVAL_MS,
      p50: { fork: forkP50, prefork: preforkP50, handlerAlone: floorP50 },
      p99: { fork: p(fork, 99), prefork: p(prefork, 99), handlerAlone: p(floor, 99) },
      samplesMs: { fork: r3(fork), prefork: r3(prefork), handlerAlone: r3(floor) },
      targetRatio: TARGET_RATIO,
    },
  };
}
