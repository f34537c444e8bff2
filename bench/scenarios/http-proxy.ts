/**
 * Scenario 3, http mode: requests/s through the watchdog's reverse proxy against the same
 * upstream process called directly (the watchdog starts it; the baseline bypasses the proxy).
 * Twice: with an upstream that only answers, and with one spinning 1 ms of CPU per request.
 */
import type { BenchContext } from '../lib/context.ts';
import { compareThroughput } from '../lib/compare.ts';
import { FIXTURES, freePort, startFixture, startWatchdog, waitUntilOk } from '../lib/processes.ts';
import type { Proc } from '../lib/processes.ts';
import type { Pair } from '../lib/compare.ts';
import type { Row, ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/stats.ts';

const CONNECTIONS = 8;
const SECONDS = 5;
const WARMUP_SECONDS = 1;
const TARGET_RATIO = 0.8;
/** CPU per request of the second, working upstream. */
const WORK_MS = 1;

function row(base: string, pair: Pair, target: boolean): Row {
  const ratio = pair.ratio;
  return {
    scenario: 'http proxy',
    metric: `req/s, ${CONNECTIONS} conn (base: ${base})`,
    baseline: round(pair.baseline.rps, 0).toString(),
    watchdog: round(pair.watchdog.rps, 0).toString(),
    ratio: `${round(ratio * 100, 1).toFixed(1)}%`,
    target: target ? `>= ${TARGET_RATIO * 100}%` : '',
    met: target ? ratio >= TARGET_RATIO : undefined,
  };
}

/** A watchdog in http mode over the upstream fixture spinning `workMs` of CPU per request. */
async function httpWatchdog(
  ctx: BenchContext,
  workMs: number,
): Promise<{ wd: Proc; upstream: string }> {
  const port = await freePort();
  const upstream = `http://127.0.0.1:${port}`;
  const wd = ctx.track(
    await startWatchdog({
      mode: 'http',
      fprocess: `node ${FIXTURES}/upstream.mjs`,
      upstream_url: upstream,
      UPSTREAM_PORT: String(port),
      WORK_MS: String(workMs),
    }),
  );
  await waitUntilOk(`${wd.url}/_/health`);
  await waitUntilOk(wd.url);
  return { wd, upstream };
}

export async function httpProxy(ctx: BenchContext): Promise<ScenarioResult> {
  const { wd, upstream } = await httpWatchdog(ctx, 0);
  const proxy = ctx.track(await startFixture('proxy-floor.mjs', { UPSTREAM: upstream }));
  await waitUntilOk(proxy.url);
  const load = { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS };
  ctx.progress(`http proxy: ${CONNECTIONS} connections, ${SECONDS}s each side, vs direct`);
  const direct = await compareThroughput({ ...load, baselineUrl: upstream, watchdogUrl: wd.url });
  ctx.progress(`http proxy: ${CONNECTIONS} connections, ${SECONDS}s each side, vs a bare proxy`);
  const bare = await compareThroughput({ ...load, baselineUrl: proxy.url, watchdogUrl: wd.url });
  ctx.progress(`http proxy: upstream spinning ${WORK_MS} ms of CPU per request, vs direct`);
  const busy = await httpWatchdog(ctx, WORK_MS);
  const working = await compareThroughput({
    ...load,
    baselineUrl: busy.upstream,
    watchdogUrl: busy.wd.url,
  });
  return {
    name: 'http-proxy',
    rows: [
      row('direct', direct, true),
      row('bare Node proxy', bare, false),
      row(`direct, upstream ${WORK_MS} ms CPU/req`, working, false),
    ],
    data: {
      connections: CONNECTIONS,
      seconds: SECONDS,
      direct,
      bareProxy: bare,
      workingUpstream: { workMs: WORK_MS, ...working },
      ratio: direct.ratio,
      ratioToBareProxy: bare.ratio,
      ratioWithWork: working.ratio,
      targetRatio: TARGET_RATIO,
    },
  };
}
