/**
 * Scenario 1, fork mode with `cat`: requests/s through the watchdog against a floor, a bare
 * Node server that spawns `cat` per request itself. The difference is what the watchdog's
 * own logic costs per request.
 */
import type { BenchContext } from '../lib/context.ts';
import { compareThroughput } from '../lib/compare.ts';
import type { Pair } from '../lib/compare.ts';
import { startFixture, startWatchdog } from '../lib/processes.ts';
import type { Row, ScenarioResult } from '../lib/report.ts';
import { round, signedMs } from '../lib/stats.ts';

const BODY = 'The quick brown fox jumps over the lazy dog. 0123456789\n';
const SECONDS = 5;
const WARMUP_SECONDS = 1;
const TARGET_OVERHEAD_MS = 0.5;

async function checkEcho(url: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', body: BODY, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  if (res.status !== 200 || text !== BODY) {
    throw new Error(`${url} did not echo the body: ${res.status} ${JSON.stringify(text)}`);
  }
}

function rpsRow(connections: number, p: Pair): Row {
  return {
    scenario: 'fork cat',
    metric: `req/s, ${connections} conn`,
    baseline: round(p.baseline.rps, 0).toString(),
    watchdog: round(p.watchdog.rps, 0).toString(),
    ratio: round(p.ratio).toFixed(2),
    target: '',
    met: undefined,
  };
}

export async function forkCat(ctx: BenchContext): Promise<ScenarioResult> {
  const floor = ctx.track(await startFixture('fork-floor.mjs'));
  const wd = ctx.track(await startWatchdog({ fprocess: 'cat', mode: 'fork' }));
  await checkEcho(floor.url);
  await checkEcho(wd.url);
  const pairs: Record<string, Pair> = {};
  for (const connections of [1, 8]) {
    ctx.progress(`fork cat: ${connections} connection(s), ${SECONDS}s each side`);
    pairs[connections] = await compareThroughput({
      baselineUrl: floor.url,
      watchdogUrl: wd.url,
      connections,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      method: 'POST',
      body: BODY,
    });
  }
  const one = pairs[1]!;
  // Per-request time of the floor, and of the watchdog at the (median) measured ratio.
  const floorMs = 1000 / one.baseline.rps;
  const watchdogMs = floorMs / one.ratio;
  const overheadMs = watchdogMs - floorMs;
  const overhead: Row = {
    scenario: 'fork cat',
    metric: 'added ms/request, 1 conn',
    baseline: round(floorMs).toFixed(2),
    watchdog: round(watchdogMs).toFixed(2),
    ratio: signedMs(overheadMs),
    target: `<= +${TARGET_OVERHEAD_MS} ms`,
    met: overheadMs <= TARGET_OVERHEAD_MS,
  };
  return {
    name: 'fork-cat',
    rows: [rpsRow(1, one), rpsRow(8, pairs[8]!), overhead],
    data: { body: BODY, seconds: SECONDS, pairs, overheadMs, targetOverheadMs: TARGET_OVERHEAD_MS },
  };
}
