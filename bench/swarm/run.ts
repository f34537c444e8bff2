/**
 * `npm run bench:swarm`: the platform on the real one-node swarm, in one run.
 *
 * 1. deploy → first 200: a fresh function deployed through the gateway's published port,
 *    timed to its first 200 through the gateway (first-200.ts), FIRST_200_COUNT times; then
 *    as many with the same image but a faster health check (health-variant.ts), to show
 *    what the image's 5 s health check interval costs.
 * 2. req/s at 1 and 8 connections to a fork-mode `cat` function through the gateway service,
 *    against the same function's watchdog called directly, both from a load container inside
 *    the overlay network (throughput.ts), interleaved in 1 s slices (bench/lib/compare.ts).
 * 3. scale from zero: that function scaled to 0, then one call timed to its 200 while the gateway
 *    scales it back (cold-start.ts), against a warm call just before; COLD_COUNT rounds.
 *
 * Every Docker object carries the run's names and is removed at the end, on failure, at the
 * deadline and on Ctrl-C. Prints one table and writes dist/bench-swarm-latest.json.
 * Needs dockerd in a swarm (bash scripts/services.sh) and dist/ (the npm script builds it).
 */
import type Docker from 'dockerode';
import { baseImageSetting, ensureBaseImage } from '../../cli/images/base-image.ts';
import { dockerClient } from '../../cli/images/docker-engine.ts';
import type { Pair } from '../lib/compare.ts';
import { freePort } from '../lib/processes.ts';
import { formatTable, writeJson } from '../lib/report.ts';
import { machine, printSummary, startDeadline } from '../lib/runner.ts';
import { median, round } from '../lib/stats.ts';
import { GATEWAY_COLUMNS, infoRow } from '../gateway/table.ts';
import type { GatewayRow } from '../gateway/table.ts';
import { coldStarts } from './cold-start.ts';
import type { ColdStart } from './cold-start.ts';
import { first200Series, timeFirst200 } from './first-200.ts';
import { buildHealthVariant, HEALTH_INTERVAL } from './health-variant.ts';
import type { First200 } from './first-200.ts';
import { benchNames, bringUp, workspace } from './platform.ts';
import type { Platform } from './platform.ts';
import { loadFromInside, serviceLogTail } from './throughput.ts';

const OUTPUT = 'dist/bench-swarm-latest.json';
/** About two minutes is expected; past this something is stuck. */
const DEADLINE_MS = 420_000;
const FIRST_200_COUNT = 5;
const TARGET_FIRST_200_MS = 1500;
const COLD_COUNT = 3;
const TARGET_COLD_MS = 2000;
const BODY = 'The quick brown fox jumps over the lazy dog. 0123456789\n';
const LOAD = { connections: [1, 8], seconds: 5, warmupSeconds: 1, body: BODY } as const;

const say = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The series' figures; `target`: whether this series is the one judged against the target. */
function first200Rows(scenario: string, runs: readonly First200[], target: boolean): GatewayRow[] {
  const ms = runs.map((r) => r.ms);
  const mid = median(ms);
  const within = ms.filter((x) => x <= TARGET_FIRST_200_MS).length;
  // "–" for a phase the image does not have (no health check: nothing to pass)
  const phase = (f: (r: First200) => number | undefined): string => {
    const known = runs.map(f).filter((v): v is number => v !== undefined);
    return known.length === 0 ? '–' : s(median(known));
  };
  return [
    {
      scenario,
      metric: `median (min–max) of ${runs.length}`,
      baseline: '',
      gateway: `${s(mid)} (${s(Math.min(...ms))}–${s(Math.max(...ms))})`,
      compare: `${within} of ${runs.length} within`,
      target: target ? `<= ${s(TARGET_FIRST_200_MS)}` : '',
      met: target ? mid <= TARGET_FIRST_200_MS : undefined,
    },
    infoRow(
      scenario,
      'deploy answered / started / healthy, median',
      '',
      `${phase((r) => r.deployMs)} / ${phase((r) => r.phases?.startedMs)} / ${phase((r) => r.phases?.healthyMs)}`,
    ),
  ];
}

function loadRows(pairs: Record<string, Pair>): GatewayRow[] {
  return LOAD.connections.flatMap((c) => {
    const p = pairs[c];
    if (!p) throw new Error(`no load result for ${c} connection(s)`);
    const scenario = `fork cat, ${c} conn`;
    return [
      infoRow(
        scenario,
        'req/s: direct / gateway',
        round(p.baseline.rps, 0).toString(),
        round(p.watchdog.rps, 0).toString(),
        round(p.ratio).toFixed(2),
      ),
      infoRow(
        scenario,
        'p50 / p99 ms',
        `${p.baseline.latencyP50Ms} / ${p.baseline.latencyP99Ms}`,
        `${p.watchdog.latencyP50Ms} / ${p.watchdog.latencyP99Ms}`,
      ),
    ];
  });
}

function coldRows(runs: readonly ColdStart[]): GatewayRow[] {
  const cold = median(runs.map((r) => r.coldMs));
  const warm = median(runs.map((r) => r.warmMs));
  const header = median(runs.map((r) => r.header));
  const all = runs.map((r) => s(r.coldMs)).join(', ');
  return [
    {
      ...infoRow(
        'scale from zero',
        `cold call → 200, median of ${runs.length}`,
        `warm: ${s(warm)}`,
        s(cold),
      ),
      compare: `+${s(cold - warm)}`,
      target: `<= ${s(TARGET_COLD_MS)}`,
      met: cold <= TARGET_COLD_MS,
    },
    infoRow(
      'scale from zero',
      'each / X-Cold-Start-Seconds',
      '',
      `${all} / ${header.toFixed(3)} s`,
    ),
  ];
}

/** Deploy → first 200 of the built image, then of its variant with a faster health check. */
async function firstSeries(p: Platform, docker: Docker): Promise<Record<string, First200[]>> {
  const count = FIRST_200_COUNT;
  const built = await first200Series(p, docker, { count, stem: 'first', image: p.image, say });
  const tag = `${p.names.images}/cat-health-${HEALTH_INTERVAL}:latest`;
  const image = await buildHealthVariant(docker, p.image, tag);
  const fast = await first200Series(p, docker, { count, stem: 'fast', image, say });
  return { built, fast };
}

/** Req/s from a load container on the functions network: direct vs through the gateway. */
async function throughput(p: Platform, docker: Docker, base: string) {
  const fn = `${p.names.prefix}cat`;
  await timeFirst200(p, fn);
  say(`load from inside ${p.names.network}: ${fn} direct vs through ${p.names.service}`);
  try {
    return await loadFromInside(
      { docker, image: base, network: p.names.network, name: `${p.names.prefix}load` },
      {
        ...LOAD,
        directUrl: `http://${fn}:8080/`,
        gatewayUrl: `http://${p.names.service}:8080/function/${fn}`,
      },
    );
  } catch (err) {
    const gateway = await serviceLogTail(docker, p.names.service);
    const watchdog = await serviceLogTail(docker, fn);
    throw new Error(`${String(err)}\ngateway log:\n${gateway}\nwatchdog log:\n${watchdog}`);
  }
}

/** The measurements, once the platform is up. */
async function measure(
  p: Platform,
  base: string,
): Promise<{ rows: GatewayRow[]; data: Record<string, unknown> }> {
  const docker = dockerClient(process.env);
  const first200 = await firstSeries(p, docker);
  const pairs = await throughput(p, docker, base);
  const cold = await coldStarts(p, docker, `${p.names.prefix}cat`, COLD_COUNT, say);
  const rows = [
    infoRow('platform', 'faas swarm up / faas build', '', `${s(p.upMs)} / ${s(p.buildMs)}`),
    ...first200Rows('deploy → first 200', first200.built ?? [], true),
    ...first200Rows(`same, health check ${HEALTH_INTERVAL}`, first200.fast ?? [], false),
    ...loadRows(pairs),
    ...coldRows(cold),
  ];
  const data = { upMs: p.upMs, buildMs: p.buildMs, first200, load: { ...LOAD, pairs }, cold };
  return { rows, data };
}

async function main(): Promise<number> {
  const started = Date.now();
  const docker = dockerClient(process.env);
  const info = (await docker.info()) as {
    Swarm?: { LocalNodeState?: string };
    ServerVersion?: string;
  };
  if (info.Swarm?.LocalNodeState !== 'active')
    throw new Error('this dockerd is not in a swarm: bash scripts/services.sh initialises one');
  const base = await ensureBaseImage(docker, baseImageSetting(process.env), say);
  const port = await freePort();
  const ws = workspace(benchNames(), `http://127.0.0.1:${port}`);
  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= ws
      .cleanup(docker)
      .then(() => say(`removed everything named ${ws.names.prefix}*`)));
  const deadline = startDeadline(DEADLINE_MS, cleanup);
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    const p = await bringUp(ws, port, say);
    const { rows, data } = await measure(p, base);
    const seconds = Math.round((Date.now() - started) / 1000);
    printSummary(formatTable(GATEWAY_COLUMNS, rows), seconds);
    const engine = { version: info.ServerVersion, swarm: 'one node', base };
    writeJson(OUTPUT, {
      date: new Date().toISOString(),
      machine: machine(),
      engine,
      seconds,
      rows,
      data,
    });
    console.log(`raw figures: ${OUTPUT}`);
    return 0;
  } finally {
    await cleanup();
    clearTimeout(deadline);
  }
}

process.exitCode = await main().catch((err: unknown) => {
  say(`failed: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
});
