/**
 * Scenario 4, idle memory: VmRSS of a fork-mode watchdog after start-up and a few requests,
 * against a bare Node HTTP server measured the same way. VmRSS is the target's measure; most
 * of it is the node binary's file-backed pages, so the private part (RssAnon) is shown too.
 */
import type { BenchContext } from '../lib/context.ts';
import { runLoad } from '../lib/load.ts';
import { memory } from '../lib/proc-status.ts';
import type { Memory } from '../lib/proc-status.ts';
import { sleep, startNode, startWatchdog } from '../lib/processes.ts';
import type { Row, ScenarioResult } from '../lib/report.ts';
import { mib, round } from '../lib/stats.ts';

const SETTLE_MS = 1000;
const REQUESTS = 5;
const TARGET_MIB = 40;
const BARE =
  "require('http').createServer().listen(0, function () {" +
  " console.error('Listening on port: ' + this.address().port); })";

/** Memory once the process has been left alone for a while. */
async function settled(pid: number): Promise<Memory> {
  await sleep(SETTLE_MS);
  return memory(pid);
}

function row(metric: string, bare: number, wd: number, target: boolean): Row {
  return {
    scenario: 'idle RSS',
    metric,
    baseline: `${round(mib(bare), 1).toFixed(1)} MiB`,
    watchdog: `${round(mib(wd), 1).toFixed(1)} MiB`,
    ratio: `${round(wd / bare).toFixed(2)}x`,
    target: target ? `<= ${TARGET_MIB} MiB` : '',
    met: target ? mib(wd) <= TARGET_MIB : undefined,
  };
}

export async function idleRss(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.progress('idle RSS: bare node, then fork-mode watchdog');
  const bare = ctx.track(await startNode(['-e', BARE], {}));
  const bareMem = await settled(bare.pid);
  const wd = ctx.track(await startWatchdog({ fprocess: 'cat', mode: 'fork' }));
  for (let i = 0; i < REQUESTS; i++) {
    const res = await fetch(wd.url, {
      method: 'POST',
      body: 'x',
      signal: AbortSignal.timeout(5000),
    });
    await res.text();
  }
  const idle = await settled(wd.pid);
  const load = await runLoad({
    url: wd.url,
    connections: 8,
    seconds: 2,
    method: 'POST',
    body: 'x',
  });
  const afterLoad = await settled(wd.pid);
  return {
    name: 'idle-rss',
    rows: [
      row(`after start + ${REQUESTS} requests`, bareMem.rss, idle.rss, true),
      row('  of which private (RssAnon)', bareMem.anon, idle.anon, false),
      row(`after 2s of load (${load.requests} req)`, bareMem.rss, afterLoad.rss, false),
    ],
    data: {
      bareRss: bareMem.rss,
      idle: idle.rss,
      afterLoad: afterLoad.rss,
      anon: { bare: bareMem.anon, idle: idle.anon, afterLoad: afterLoad.anon },
      loadRequests: load.requests,
      targetMiB: TARGET_MIB,
    },
  };
}
