/**
 * Scenario 3, http mode: requests/s through the watchdog's reverse proxy against the same
 * upstream process called directly (the watchdog starts it; the baseline bypasses the proxy).
 */
import type { BenchContext } from '../lib/context.ts';
import { compareThroughput } from '../lib/compare.ts';
import { FIXTURES, freePort, startFixture, startWatchdog, waitUntilOk } from '../lib/processes.ts';
import type { Pair } from '../lib/compare.ts';
import type { Row, ScenarioResult } from '../lib/report.ts';
import { round } from '../lib/stats.ts';

const CONNECTIONS = 8;
const SECONDS = 5;
const WARMUP_SECONDS = 1;
const TARGET_RATIO = 0.8;

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

export async function httpProxy(ctx: BenchContext): Promise<ScenarioResult> {
  const port = await freePort();
  const upstream = `http://127.0.0.1:${port}`;
  const wd = ctx.track(
    await startWatchdog({
      mode: 'http',
      fprocess: `node ${FIXTURES}/upstream.mjs`,
      upstream_url: upstream,
      UPSTREAM_PORT: String(port),
    }),
  );
  const proxy = ctx.track(await startFixture('proxy-floor.mjs', { UPSTREAM: upstream }));
  await waitUntilOk(`${wd.url}/_/health`);
  await waitUntilOk(wd.url);
  await waitUntilOk(proxy.url);
  const load = { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS };
  ctx.progress(`http proxy: ${CONNECTIONS} connections, ${SECONDS}s each side, vs direct`);
  const direct = await compareThroughput({ ...load, baselineUrl: upstream, watchdogUrl: wd.url });
  ctx.progress(`http proxy: ${CONNECTIONS} connections, ${SECONDS}s each side, vs a bare proxy`);
  const bare = await compareThroughput({ ...load, baselineUrl: proxy.url, watchdogUrl: wd.url });
  return {
    name: 'http-proxy',
    rows: [row('direct', direct, true), row('bare Node proxy', bare, false)],
    data: {
      connections: CONNECTIONS,
      seconds: SECONDS,
      direct,
      bareProxy: bare,
      ratio: direct.ratio,
      ratioToBareProxy: bare.ratio,
      targetRatio: TARGET_RATIO,
    },
  };
}
