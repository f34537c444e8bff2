/**
 * Scenario 2, memory: the gateway process's VmRSS with 0 functions (the baseline) and then, in
 * the same process, with 100 fork-mode `cat` functions deployed (one watchdog replica each,
 * which are separate processes and not counted). Each measurement is taken the same way: list
 * /system/functions a few times, leave the gateway alone to settle, then take the median of a
 * few VmRSS samples. The V8 heap figures come from the gateway's own /metrics, read after.
 */
import { join } from 'node:path';
import { writeImage } from '../../gateway/providers/local/index.ts';
import type { BenchContext } from '../lib/context.ts';
import { rssBytes } from '../lib/proc-status.ts';
import { sleep } from '../lib/processes.ts';
import { median, mib, round } from '../lib/stats.ts';
import {
  childrenOf,
  makeRoot,
  processesUnder,
  startTrackedGateway,
  waitAvailable,
} from './gateway-process.ts';
import type { GatewayProc, ScenarioGatewayOptions } from './gateway-process.ts';
import { infoRow } from './table.ts';
import type { GatewayRow, GatewayScenarioResult } from './table.ts';

const IMAGE = 'bench/cat:1';
const FUNCTIONS = 100;
const BATCH = 10;
const BATCH_READY_MS = 30_000;
const LISTS = 3;
const SETTLE_MS = 3000;
const SAMPLES = 5;
const SAMPLE_GAP_MS = 200;
const TARGET_MIB = 80;

interface Measurement {
  readonly rss: number;
  readonly rssSamples: readonly number[];
  /** From the gateway's /metrics, read after the RSS samples. */
  readonly heapUsed: number | undefined;
  readonly heapTotal: number | undefined;
  readonly external: number | undefined;
  /** V8 heap space sizes (total, i.e. reserved), by space. */
  readonly heapSpaces: Readonly<Record<string, number>>;
}

function spaces(text: string): Record<string, number> {
  const re = /^nodejs_heap_space_size_total_bytes\{space="([^"]+)"\} ([0-9.e+]+)$/gm;
  return Object.fromEntries([...text.matchAll(re)].map((m) => [m[1]!, Number(m[2])]));
}

function gauge(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

async function measure(gw: GatewayProc): Promise<Measurement> {
  for (let i = 0; i < LISTS; i++) await gw.system('GET', '/system/functions');
  await sleep(SETTLE_MS);
  const rssSamples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    rssSamples.push(rssBytes(gw.pid));
    await sleep(SAMPLE_GAP_MS);
  }
  const metrics = await fetch(`${gw.url}/metrics`, { signal: AbortSignal.timeout(5000) }).then(
    (r) => r.text(),
  );
  return {
    rss: median(rssSamples),
    rssSamples,
    heapUsed: gauge(metrics, 'nodejs_heap_size_used_bytes'),
    heapTotal: gauge(metrics, 'nodejs_heap_size_total_bytes'),
    external: gauge(metrics, 'nodejs_external_memory_bytes'),
    heapSpaces: spaces(metrics),
  };
}

const name = (i: number): string => `cat-${String(i).padStart(3, '0')}`;

/** Deploys FUNCTIONS functions, BATCH at a time, each batch waited for until available. */
async function deployAll(ctx: BenchContext, gw: GatewayProc): Promise<number> {
  const began = performance.now();
  for (let i = 0; i < FUNCTIONS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, FUNCTIONS - i) }, (_, j) => name(i + j));
    await Promise.all(
      batch.map((service) => gw.system('POST', '/system/functions', { service, image: IMAGE })),
    );
    await waitAvailable(gw, batch, BATCH_READY_MS);
    ctx.progress(`rss: ${i + batch.length}/${FUNCTIONS} functions available`);
  }
  return performance.now() - began;
}

const mibCell = (bytes: number | undefined): string =>
  bytes === undefined ? '?' : `${round(mib(bytes), 1).toFixed(1)} MiB`;

export async function rss100(
  ctx: BenchContext,
  o: ScenarioGatewayOptions,
): Promise<GatewayScenarioResult> {
  const root = makeRoot();
  await writeImage(join(root, 'images'), IMAGE, { fprocess: 'cat', mode: 'fork' });
  const gw = await startTrackedGateway(root, o);
  ctx.progress('rss: gateway with 0 functions');
  const empty = await measure(gw);
  ctx.progress(`rss: deploying ${FUNCTIONS} fork-mode functions, ${BATCH} at a time`);
  const deployMs = await deployAll(ctx, gw);
  const full = await measure(gw);
  const replicas = childrenOf(gw.pid);
  const replicaRss = replicas.reduce((sum, pid) => {
    try {
      return sum + rssBytes(pid);
    } catch {
      return sum;
    }
  }, 0);
  ctx.progress(`rss: stopping the gateway and its ${replicas.length} replicas`);
  const stopped = await gw.stop();
  const leftAfterStop = processesUnder(root);
  const perFunction = (full.rss - empty.rss) / FUNCTIONS;
  const scenario = 'gateway RSS';
  const rows: GatewayRow[] = [
    {
      scenario,
      metric: `VmRSS, 0 -> ${FUNCTIONS} functions`,
      baseline: mibCell(empty.rss),
      gateway: mibCell(full.rss),
      compare: `+${round(perFunction / 1024, 1)} KiB/fn`,
      target: `<= ${TARGET_MIB} MiB`,
      met: mib(full.rss) <= TARGET_MIB,
    },
    infoRow(
      scenario,
      'V8 heap used / total',
      `${mibCell(empty.heapUsed)} / ${mibCell(empty.heapTotal)}`,
      `${mibCell(full.heapUsed)} / ${mibCell(full.heapTotal)}`,
    ),
    infoRow(
      scenario,
      'V8 new space / old space (total)',
      `${mibCell(empty.heapSpaces.new)} / ${mibCell(empty.heapSpaces.old)}`,
      `${mibCell(full.heapSpaces.new)} / ${mibCell(full.heapSpaces.old)}`,
    ),
    infoRow(
      scenario,
      `replicas (not counted above)`,
      '0',
      `${replicas.length} = ${mibCell(replicaRss)}`,
      `${mibCell(replicaRss / Math.max(1, replicas.length))} each`,
    ),
    {
      scenario,
      metric: 'teardown',
      baseline: '',
      gateway: `${round(stopped.stopMs / 1000, 1)} s`,
      compare: `${stopped.stragglersKilled.length} killed`,
      target: 'none left',
      met:
        stopped.exitedCleanly &&
        stopped.stragglersKilled.length === 0 &&
        leftAfterStop.length === 0,
    },
  ];
  return {
    name: 'rss-100',
    rows,
    data: {
      functions: FUNCTIONS,
      empty,
      full,
      perFunctionBytes: perFunction,
      deployMs,
      replicaCount: replicas.length,
      replicaRssBytes: replicaRss,
      targetMiB: TARGET_MIB,
      met: mib(full.rss) <= TARGET_MIB,
      gatewayStop: stopped,
      leftAfterStop,
    },
  };
}
