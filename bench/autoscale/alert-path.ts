/**
 * The alert path, measured in the same run as the built-in autoscaler: a second
 * dist/gateway.mjs with scaling=alert, a real Prometheus scraping it with the shipped
 * prometheus.yml and rule, a real Alertmanager with the shipped route posting to /system/alert
 * (test/support/alert-flow.ts starts both; their configs change only targets and credentials).
 * The same fork-mode `cat` image and 20 rps load as the built-in round; the function is labelled
 * min 1, max 4, factor 50 (1 → 3 → 4). Seconds from load start to 4 replicas wanted and ready,
 * then from load stop back to 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeImage } from '../../gateway/providers/local/index.ts';
import { ALERT_LABELS, SHIPPED_TIMINGS, startAlerting } from '../../test/support/alert-flow.ts';
import { findAlertingBinaries, INSTALL_ALERTING } from '../../test/support/alerting.ts';
import type { AlertingBinaries } from '../../test/support/alerting.ts';
import { BENCH_PASSWORD, makeRoot, startGateway } from '../gateway/gateway-process.ts';
import type { GatewayProc } from '../gateway/gateway-process.ts';
import { openLoop } from '../lib/open-loop.ts';
import type { OpenLoopCounts } from '../lib/open-loop.ts';
import { waitFor } from './status.ts';

const FN = 'busy';
/** Shipped timings put the second step ~70 s after the load starts (docs/autoscaling.md). */
const LOAD_MAX_MS = 150_000;
const BACK_TO_MIN_MS = 150_000;

export interface AlertRound {
  readonly wantedMs: number;
  readonly readyMs: number;
  readonly downMs: number;
  readonly load: OpenLoopCounts;
}

export type AlertResult = { round: AlertRound } | { skipped: string };

async function round(gw: GatewayProc, rps: number): Promise<AlertRound> {
  const began = performance.now();
  const load = openLoop(`${gw.url}/function/${FN}`, rps, LOAD_MAX_MS);
  let wantedMs: number;
  let readyMs: number;
  try {
    wantedMs = await waitFor(gw, FN, (s) => s.replicas === 4, began, LOAD_MAX_MS);
    readyMs = await waitFor(gw, FN, (s) => s.availableReplicas === 4, began, LOAD_MAX_MS);
  } finally {
    await load.stop();
  }
  const stopped = performance.now();
  const downMs = await waitFor(gw, FN, (s) => s.replicas === 1, stopped, BACK_TO_MIN_MS);
  return { wantedMs, readyMs, downMs, load: { ...load.counts } };
}

async function withAlerting(
  bins: AlertingBinaries,
  rps: number,
  track: (gw: GatewayProc) => void,
): Promise<AlertRound> {
  const cleanups: (() => void)[] = [];
  const root = makeRoot();
  const passwordFile = join(root, 'basic-auth-password');
  writeFileSync(passwordFile, BENCH_PASSWORD, { mode: 0o600 });
  const gw = await startGateway(root, { env: { scaling: 'alert' } });
  track(gw);
  try {
    await writeImage(gw.imageStore, 'bench/cat:1', { fprocess: 'cat' });
    await gw.system('POST', '/system/functions', {
      service: FN,
      image: 'bench/cat:1',
      labels: ALERT_LABELS,
    });
    await waitFor(gw, FN, (s) => s.availableReplicas === 1, 0, 30_000);
    await fetch(`${gw.url}/function/${FN}`, { method: 'POST', body: 'x' }).then((r) => r.text());
    const t = { after: (fn: () => void) => void cleanups.push(fn) };
    await startAlerting(t, bins, { url: gw.url, passwordFile, fn: FN, timings: SHIPPED_TIMINGS });
    return await round(gw, rps);
  } finally {
    for (const fn of cleanups) fn();
    await gw.stop();
  }
}

/** One round of the alert path, or why it was not measured. */
export async function alertPath(
  rps: number,
  track: (gw: GatewayProc) => void,
): Promise<AlertResult> {
  const found = findAlertingBinaries();
  if (!found.prometheus || !found.alertmanager) {
    return { skipped: `prometheus or prometheus-alertmanager not on PATH; ${INSTALL_ALERTING}` };
  }
  return { round: await withAlerting(found as AlertingBinaries, rps, track) };
}
