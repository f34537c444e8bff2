/**
 * `npm run build && node --import tsx bench/autoscale/run.ts`: the built-in autoscaler and scale
 * from zero on the local provider, in one run of dist/gateway.mjs (scaling=builtin, the default
 * 2 s autoscale_interval, a 5 s scale_down_window to keep the run short).
 *
 * 1. scale up: a fork-mode `cat` function (min 1, max 4, target 5 rps) under an open-loop
 *    20 rps load; seconds from load start to replicas 4 wanted and 4 ready, then from load stop
 *    back to 1. Baseline, same run: POST /system/scale-function 1 → 4 of the same image (labelled
 *    min = max = 4, which the autoscaler leaves alone) until 4 are ready: what starting the
 *    replicas costs whoever asks for them.
 * 2. scale from zero: a function labelled zero=true, zero-duration 2s; seconds from its last
 *    call to replicas 0, then a cold call's time to its 200 (and its X-Cold-Start-Seconds).
 *    Baseline, same run: the same call to the same function while warm.
 *
 * ROUNDS rounds of each; the table shows medians, dist/bench-autoscale-latest.json every round.
 */
import { writeImage } from '../../gateway/providers/local/index.ts';
import { makeRoot, startGateway } from '../gateway/gateway-process.ts';
import type { GatewayProc } from '../gateway/gateway-process.ts';
import { GATEWAY_COLUMNS, infoRow } from '../gateway/table.ts';
import type { GatewayRow } from '../gateway/table.ts';
import { openLoop } from '../lib/open-loop.ts';
import { sleep } from '../lib/processes.ts';
import { alertPath } from './alert-path.ts';
import type { AlertResult } from './alert-path.ts';
import { waitFor as waitForStatus } from './status.ts';
import type { Status } from './status.ts';
import { formatTable, writeJson } from '../lib/report.ts';
import { machine, printSummary, startDeadline } from '../lib/runner.ts';
import { median, round } from '../lib/stats.ts';

const OUTPUT = 'dist/bench-autoscale-latest.json';
const ROUNDS = 3;
const RPS = 20;
const LOAD_MAX_MS = 30_000;
const DEADLINE_MS = 720_000;
const SCALE_UP_TARGET_S = 10;
const COLD_TARGET_S = 1;
const IMAGE = 'bench/cat:1';

const waitFor = (gw: GatewayProc, name: string, ok: (s: Status) => boolean, since: number) =>
  waitForStatus(gw, name, ok, since, LOAD_MAX_MS);

async function timedCall(gw: GatewayProc, name: string) {
  const began = performance.now();
  const res = await fetch(`${gw.url}/function/${name}`, { method: 'POST', body: 'x' });
  await res.text();
  if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
  return { ms: performance.now() - began, header: res.headers.get('x-cold-start-seconds') };
}

async function scaleUpRound(gw: GatewayProc) {
  const scale = (replicas: number) =>
    gw.system('POST', '/system/scale-function/pinned', { serviceName: 'pinned', replicas });
  await scale(1);
  await waitFor(gw, 'pinned', (s) => s.availableReplicas === 1, 0);
  const manualStart = performance.now();
  await scale(4);
  const manualReadyMs = await waitFor(gw, 'pinned', (s) => s.availableReplicas === 4, manualStart);
  const began = performance.now();
  const load = openLoop(`${gw.url}/function/busy`, RPS, LOAD_MAX_MS);
  let wantedMs: number;
  let readyMs: number;
  try {
    wantedMs = await waitFor(gw, 'busy', (s) => s.replicas === 4, began);
    readyMs = await waitFor(gw, 'busy', (s) => s.availableReplicas === 4, began);
  } finally {
    await load.stop();
  }
  const stopped = performance.now();
  const downMs = await waitFor(gw, 'busy', (s) => s.replicas === 1, stopped);
  await waitFor(gw, 'busy', (s) => s.availableReplicas === 1, 0);
  return { manualReadyMs, wantedMs, readyMs, downMs, load: { ...load.counts } };
}

async function coldRound(gw: GatewayProc) {
  await timedCall(gw, 'sleepy'); // it may have gone to zero during the scale-up round
  const warm = await timedCall(gw, 'sleepy');
  if (warm.header !== null) throw new Error('the warm call waited for a cold start');
  const lastCall = performance.now();
  const idleMs = await waitFor(gw, 'sleepy', (s) => s.replicas === 0, lastCall);
  await waitFor(gw, 'sleepy', (s) => s.availableReplicas === 0, 0);
  await sleep(500); // the replica's process is gone, not just unready
  const cold = await timedCall(gw, 'sleepy');
  if (cold.header === null) throw new Error('a cold call without X-Cold-Start-Seconds');
  return { warmMs: warm.ms, idleMs, coldMs: cold.ms, coldHeader: Number(cold.header) };
}

async function setUp(gw: GatewayProc): Promise<void> {
  await writeImage(gw.imageStore, IMAGE, { fprocess: 'cat' });
  const deploy = (service: string, labels: Record<string, string>) =>
    gw.system('POST', '/system/functions', { service, image: IMAGE, labels });
  await deploy('busy', {
    'com.openfaas.scale.min': '1',
    'com.openfaas.scale.max': '4',
    'com.openfaas.scale.target': '5',
    'com.openfaas.scale.type': 'rps',
  });
  await deploy('sleepy', {
    'com.openfaas.scale.zero': 'true',
    'com.openfaas.scale.zero-duration': '2s',
  });
  await deploy('pinned', { 'com.openfaas.scale.min': '4', 'com.openfaas.scale.max': '4' });
  await waitFor(gw, 'busy', (s) => s.availableReplicas === 1, 0);
  await waitFor(gw, 'sleepy', (s) => s.availableReplicas === 1, 0);
}

const s = (ms: number): string => `${round(ms / 1000).toFixed(2)} s`;
const med = <T>(rows: readonly T[], f: (r: T) => number): number => median(rows.map(f));

type Up = Awaited<ReturnType<typeof scaleUpRound>>;
type Cold = Awaited<ReturnType<typeof coldRound>>;

/** The alert path's rows, its ready time against the built-in autoscaler's of the same run. */
function alertRows(alert: AlertResult, builtinReadyMs: number): GatewayRow[] {
  const scenario = `alert path (shipped timings), ${RPS} rps, 1→3→4`;
  if ('skipped' in alert) return [infoRow(scenario, 'not measured', '', alert.skipped)];
  const r = alert.round;
  return [
    infoRow(scenario, 'load start → 4 wanted', '', s(r.wantedMs)),
    infoRow(
      scenario,
      'load start → 4 ready',
      `built-in: ${s(builtinReadyMs)}`,
      s(r.readyMs),
      `${(r.readyMs / builtinReadyMs).toFixed(1)}×`,
    ),
    infoRow(scenario, 'load stop → 1 (resolved)', '', s(r.downMs)),
  ];
}

function rows(up: readonly Up[], cold: readonly Cold[], alert: AlertResult): GatewayRow[] {
  const manual = med(up, (r) => r.manualReadyMs);
  const wanted = med(up, (r) => r.wantedMs);
  const ready = med(up, (r) => r.readyMs);
  const warm = med(cold, (r) => r.warmMs);
  const coldMs = med(cold, (r) => r.coldMs);
  const scenario = `built-in, ${RPS} rps, 1→4`;
  return [
    infoRow(scenario, 'load start → 4 wanted', '', s(wanted)),
    {
      ...infoRow(scenario, 'load start → 4 ready', `manual 1→4: ${s(manual)}`, s(ready)),
      compare: `+${s(ready - manual)}`,
      target: `≤ ${SCALE_UP_TARGET_S} s`,
      met: ready <= SCALE_UP_TARGET_S * 1000,
    },
    infoRow(scenario, 'load stop → 1 (window 5s)', '', s(med(up, (r) => r.downMs))),
    infoRow('scale to zero', 'last call → 0 (2s idle)', '', s(med(cold, (r) => r.idleMs))),
    {
      ...infoRow('scale from zero', 'cold call → 200', `warm call: ${s(warm)}`, s(coldMs)),
      compare: `+${s(coldMs - warm)}`,
      target: `≤ ${COLD_TARGET_S} s`,
      met: coldMs <= COLD_TARGET_S * 1000,
    },
    infoRow('scale from zero', 'X-Cold-Start-Seconds', '', `${med(cold, (r) => r.coldHeader)} s`),
    ...alertRows(alert, ready),
  ];
}

/** ROUNDS rounds of the built-in autoscaler and of scale from zero on one gateway. */
async function builtinRounds(gw: GatewayProc): Promise<{ up: Up[]; cold: Cold[] }> {
  await setUp(gw);
  const up: Up[] = [];
  const cold: Cold[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    process.stderr.write(`bench: built-in round ${i + 1} of ${ROUNDS}\n`);
    up.push(await scaleUpRound(gw));
    cold.push(await coldRound(gw));
  }
  return { up, cold };
}

async function main(): Promise<number> {
  const env = { scaling: 'builtin', scale_down_window: '5s' };
  const gateways: GatewayProc[] = [];
  const stopAll = async (): Promise<void> =>
    void (await Promise.all(gateways.map((g) => g.stop())));
  const deadline = startDeadline(DEADLINE_MS, stopAll);
  const started = Date.now();
  try {
    const gw = await startGateway(makeRoot(), { env });
    gateways.push(gw);
    const { up, cold } = await builtinRounds(gw);
    await gw.stop();
    process.stderr.write('bench: alert path (Prometheus + Alertmanager, shipped timings)\n');
    const alert = await alertPath(RPS, (g) => gateways.push(g));
    const seconds = Math.round((Date.now() - started) / 1000);
    printSummary(formatTable(GATEWAY_COLUMNS, rows(up, cold, alert)), seconds);
    const data = { date: new Date().toISOString(), machine: machine(), env, up, cold, alert };
    writeJson(OUTPUT, data);
    console.log(`raw figures: ${OUTPUT}`);
    return 0;
  } finally {
    clearTimeout(deadline);
    await stopAll();
  }
}

process.exitCode = await main();
