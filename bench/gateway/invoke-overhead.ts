/**
 * Scenario 1, the invoke path: an http-mode function (the Node upstream fixture behind a
 * watchdog) called directly on its watchdog, and the same function deployed on the gateway and
 * called through POST /function/NAME. The gateway's replica is the same kind of watchdog
 * (node dist/watchdog.js, mode=http, the same fixture), so the difference is the gateway hop.
 * Throughput at 16 and 1 connections (autocannon, interleaved 1 s slices) and latency at one
 * connection (a sequential keep-alive client, interleaved slices of requests). For the
 * explanation: a bare Node reverse proxy (bench/fixtures/proxy-floor.mjs) in front of the
 * direct watchdog, the least any Node hop costs, and the CPU time per request of every
 * process in each path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeImage } from '../../gateway/providers/local/index.ts';
import { compareThroughput } from '../lib/compare.ts';
import type { Pair } from '../lib/compare.ts';
import type { BenchContext } from '../lib/context.ts';
import { FIXTURES, freePort, startFixture, startWatchdog, waitUntilOk } from '../lib/processes.ts';
import type { Proc } from '../lib/processes.ts';
import { pathCosts } from './cpu.ts';
import type { PathCost } from './cpu.ts';
import { round } from '../lib/stats.ts';
import { childrenOf, makeRoot, startTrackedGateway, waitAvailable } from './gateway-process.ts';
import type { GatewayProc, ScenarioGatewayOptions } from './gateway-process.ts';
import { compareSequential } from './sequential.ts';
import type { SequentialResult } from './sequential.ts';
import { infoRow } from './table.ts';
import type { GatewayRow, GatewayScenarioResult } from './table.ts';

const IMAGE = 'bench/http-upstream:1';
export const FUNCTION = 'echo';
export const BODY = '{"hello":"world"}';
const HIGH = 16;
const SECONDS = 8;
const FLOOR_SECONDS = 5;
const ONE_SECONDS = 5;
const CPU_SLICE_SECONDS = 1.5;
const CPU_ROUNDS = 1;
const WARMUP_SECONDS = 1;
const TARGET_RATIO = 0.8;
const TARGET_ADDED_P50_MS = 0.5;
const SEQUENTIAL = { warmup: 300, rounds: 10, perSlice: 300, maxMs: 25_000 } as const;

const pct = (r: number): string => `${round(r * 100, 1).toFixed(1)}%`;
const ms = (n: number): string => `${round(n, 3).toFixed(3)} ms`;

function throughputRows(what: string, pair: Pair, target: boolean): GatewayRow[] {
  const scenario = `invoke, ${what}`;
  return [
    {
      scenario,
      metric: 'req/s (autocannon)',
      baseline: round(pair.baseline.rps, 0).toString(),
      gateway: round(pair.watchdog.rps, 0).toString(),
      compare: pct(pair.ratio),
      target: target ? `>= ${TARGET_RATIO * 100}%` : '',
      met: target ? pair.ratio >= TARGET_RATIO : undefined,
    },
    infoRow(
      scenario,
      'p50 / p99 ms (autocannon)',
      `${pair.baseline.latencyP50Ms} / ${pair.baseline.latencyP99Ms}`,
      `${pair.watchdog.latencyP50Ms} / ${pair.watchdog.latencyP99Ms}`,
    ),
  ];
}

function latencyRows(s: SequentialResult): GatewayRow[] {
  const [direct, gateway, floor] = s.targets;
  const scenario = 'invoke, 1 conn, sequential';
  const rows: GatewayRow[] = [
    {
      scenario,
      metric: `p50 (${gateway!.samples} req each)`,
      baseline: ms(direct!.p50Ms),
      gateway: ms(gateway!.p50Ms),
      compare: `+${ms(gateway!.addedP50Ms)}`,
      target: `<= +${TARGET_ADDED_P50_MS} ms`,
      met: gateway!.addedP50Ms <= TARGET_ADDED_P50_MS,
    },
    infoRow(scenario, 'p99', ms(direct!.p99Ms), ms(gateway!.p99Ms), `+${ms(gateway!.addedP99Ms)}`),
  ];
  if (floor) {
    rows.push(
      infoRow(
        scenario,
        'p50, bare Node proxy hop instead',
        ms(direct!.p50Ms),
        ms(floor.p50Ms),
        `+${ms(floor.addedP50Ms)}`,
      ),
    );
  }
  return rows;
}

function cpuRows(costs: readonly PathCost[]): GatewayRow[] {
  const [direct, gateway, floor] = costs;
  const f = (n: number | undefined): string => (n === undefined ? '?' : n.toFixed(3));
  const roles = (c: PathCost): string =>
    Object.entries(c.msPerRequest)
      .filter(([k]) => k !== 'total')
      .map(([k, v]) => `${k} ${f(v)}`)
      .join(', ');
  const scenario = `CPU ms/req, ${HIGH} conn`;
  return [
    infoRow(
      scenario,
      'whole path (sum of processes)',
      f(direct!.msPerRequest.total),
      f(gateway!.msPerRequest.total),
      `predicts ${pct(direct!.msPerRequest.total! / gateway!.msPerRequest.total!)}`,
    ),
    ...costs.map((c) => infoRow(scenario, `${c.name}: by process`, '', roles(c))),
    ...(floor
      ? [
          infoRow(
            scenario,
            'the hop alone: gateway vs bare proxy',
            f(floor.msPerRequest.proxy),
            f(gateway!.msPerRequest.gateway),
            `${(gateway!.msPerRequest.gateway! / floor.msPerRequest.proxy!).toFixed(2)}x`,
          ),
        ]
      : []),
  ];
}

/** A gateway with the http-mode function FUNCTION deployed and ready. */
export async function gatewayWithFunction(
  o: ScenarioGatewayOptions & { readonly bundle?: string },
  root: string,
): Promise<GatewayProc> {
  const port = await freePort();
  await writeImage(
    join(root, 'images'),
    IMAGE,
    {
      fprocess: 'node upstream.mjs',
      mode: 'http',
      upstream_url: `http://127.0.0.1:${port}`,
      env: { UPSTREAM_PORT: String(port) },
    },
    { 'upstream.mjs': readFileSync(join(FIXTURES, 'upstream.mjs')) },
  );
  const gw = await startTrackedGateway(root, o);
  // One replica throughout: the built-in autoscaler would add replicas under this load, and
  // they would share the image's fixed upstream port (min == max turns scaling off).
  const labels = { 'com.openfaas.scale.min': '1', 'com.openfaas.scale.max': '1' };
  await gw.system('POST', '/system/functions', { service: FUNCTION, image: IMAGE, labels });
  await waitAvailable(gw, [FUNCTION], 20_000);
  return gw;
}

/** The same http-mode function on a watchdog of its own (tracked by `ctx`), answering. */
export async function directWatchdog(ctx: BenchContext): Promise<Proc> {
  const port = await freePort();
  const wd = ctx.track(
    await startWatchdog({
      mode: 'http',
      fprocess: `node ${FIXTURES}/upstream.mjs`,
      upstream_url: `http://127.0.0.1:${port}`,
      UPSTREAM_PORT: String(port),
    }),
  );
  await waitUntilOk(`${wd.url}/_/health`);
  await waitUntilOk(wd.url);
  return wd;
}

export async function invokeOverhead(
  ctx: BenchContext,
  o: ScenarioGatewayOptions,
): Promise<GatewayScenarioResult> {
  const root = makeRoot();
  const gw = await gatewayWithFunction(o, root);
  const [replica] = childrenOf(gw.pid);
  if (replica === undefined) throw new Error('the gateway has no replica process');
  const direct = await directWatchdog(ctx);
  // The least any Node reverse proxy in front of the same kind of watchdog costs.
  const floor = ctx.track(await startFixture('proxy-floor.mjs', { UPSTREAM: direct.url }));
  const viaGateway = `${gw.url}/function/${FUNCTION}`;
  await waitUntilOk(floor.url);
  await waitUntilOk(viaGateway);
  const only = (pids: number[], what: string): number => {
    if (pids.length !== 1) throw new Error(`${what}: expected one process, found ${pids}`);
    return pids[0]!;
  };
  const directUpstream = only(childrenOf(direct.pid), 'direct watchdog upstream');
  const replicaUpstream = only(childrenOf(replica), 'replica upstream');
  const urls = { baselineUrl: direct.url, watchdogUrl: viaGateway };
  const load = { method: 'POST' as const, body: BODY, warmupSeconds: WARMUP_SECONDS };

  ctx.progress(`invoke: ${HIGH} connections, ${SECONDS}s each side, direct watchdog vs gateway`);
  const high = await compareThroughput({ ...load, ...urls, seconds: SECONDS, connections: HIGH });
  ctx.progress(`invoke: ${HIGH} connections, ${FLOOR_SECONDS}s each side, bare proxy vs gateway`);
  const highFloor = await compareThroughput({
    ...load,
    baselineUrl: floor.url,
    watchdogUrl: viaGateway,
    seconds: FLOOR_SECONDS,
    connections: HIGH,
  });
  ctx.progress(`invoke: ${HIGH} connections, CPU per request of each process`);
  const costs = await pathCosts(
    [
      { name: 'direct', url: direct.url, pids: { watchdog: direct.pid, upstream: directUpstream } },
      {
        name: 'gateway',
        url: viaGateway,
        pids: { gateway: gw.pid, watchdog: replica, upstream: replicaUpstream },
      },
      {
        name: 'bare proxy',
        url: floor.url,
        pids: { proxy: floor.pid, watchdog: direct.pid, upstream: directUpstream },
      },
    ],
    { connections: HIGH, method: 'POST', body: BODY },
    CPU_SLICE_SECONDS,
    CPU_ROUNDS,
  );
  ctx.progress(`invoke: 1 connection, sequential latency, ${SEQUENTIAL.rounds} rounds`);
  const seq = await compareSequential({
    ...SEQUENTIAL,
    targets: [
      { name: 'direct', url: direct.url },
      { name: 'gateway', url: viaGateway },
      { name: 'bare proxy', url: floor.url },
    ],
    body: BODY,
  });
  ctx.progress(`invoke: 1 connection, ${ONE_SECONDS}s each side`);
  const one = await compareThroughput({ ...load, ...urls, seconds: ONE_SECONDS, connections: 1 });
  const stopped = await gw.stop();
  const addedP50 = seq.targets[1]!.addedP50Ms;
  return {
    name: 'invoke-overhead',
    rows: [
      ...throughputRows(`${HIGH} conn`, high, true),
      ...throughputRows(`${HIGH} conn, vs bare proxy`, highFloor, false),
      ...cpuRows(costs),
      ...latencyRows(seq),
      ...throughputRows('1 conn', one, false),
    ],
    data: {
      body: BODY,
      pids: { gateway: gw.pid, replica, replicaUpstream, direct: direct.pid, directUpstream },
      throughput16: high,
      throughput16VsBareProxy: highFloor,
      cpuPerRequest16: costs,
      sequential1: seq,
      throughput1: one,
      targets: { ratioAt16: TARGET_RATIO, addedP50MsAt1: TARGET_ADDED_P50_MS },
      met: {
        ratioAt16: high.ratio >= TARGET_RATIO,
        addedP50MsAt1: addedP50 <= TARGET_ADDED_P50_MS,
      },
      gatewayStop: stopped,
    },
  };
}
