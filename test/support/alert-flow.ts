/**
 * The alert path driven end to end against a running gateway (local or Swarm): a real
 * Alertmanager posting to its /system/alert with the gateway's password file, a real Prometheus
 * scraping its /metrics with the shipped rule, then a bounded 20 rps load on one function until
 * it reaches max and the wait for it to come back to min once the load stops. The test asserts
 * on what this returns.
 */
import { openLoop } from '../../bench/lib/open-loop.ts';
import type { OpenLoopCounts } from '../../bench/lib/open-loop.ts';
import {
  alertmanagerConfig,
  prometheusConfig,
  startAlertmanager,
  startPrometheus,
} from './alerting.ts';
import type {
  AlertingBinaries,
  Cleanups,
  AlertmanagerOptions,
  PrometheusOptions,
  RunningService,
} from './alerting.ts';
import { until } from './poll.ts';

export const ALERT_RPS = 20;
/** The function the alert flows scale: steps of 2 (50 % of max 4), so 1 → 3 → 4, then back to 1. */
export const ALERT_LABELS = Object.freeze({
  'com.openfaas.scale.min': '1',
  'com.openfaas.scale.max': '4',
  'com.openfaas.scale.factor': '50',
});

export interface Timings {
  readonly name: string;
  readonly prometheus: Pick<PrometheusOptions, 'scrapeInterval' | 'evaluationInterval'>;
  readonly alertmanager: Pick<
    AlertmanagerOptions,
    'groupWait' | 'groupInterval' | 'repeatInterval'
  >;
  readonly loadMaxMs: number;
  readonly backToMinMs: number;
}

/** Shortened intervals for tests; the shipped ones are what users get (docs/autoscaling.md). */
export const FAST_TIMINGS: Timings = {
  name: 'scrape/eval 1s, Alertmanager 1s/1s/3s',
  prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
  alertmanager: { groupWait: '1s', groupInterval: '1s', repeatInterval: '3s' },
  loadMaxMs: 30_000,
  backToMinMs: 45_000,
};
export const SHIPPED_TIMINGS: Timings = {
  name: 'shipped: scrape 5s, eval 15s, Alertmanager 5s/10s/30s',
  prometheus: {},
  alertmanager: {},
  loadMaxMs: 120_000,
  backToMinMs: 90_000,
};

export interface AlertFlowOptions {
  /** http://127.0.0.1:PORT of the gateway, as Prometheus and Alertmanager reach it. */
  readonly url: string;
  readonly passwordFile: string;
  readonly fn: string;
  readonly max: number;
  readonly timings: Timings;
  /** The function's replicas as the gateway reports them. */
  readonly replicas: () => Promise<number>;
}

export interface AlertFlowResult {
  /** Every replica count seen, in order, starting from the count before the load. */
  readonly seen: number[];
  /** "1→3 at 8.2 s" per change, seconds since the load started. */
  readonly steps: string[];
  readonly toMaxS: number;
  readonly toMinS: number;
  readonly counts: OpenLoopCounts;
}

/** Until Prometheus holds the function's counter: its first scrape of a new target lags ~5 s. */
async function scraped(prometheus: RunningService, fn: string): Promise<void> {
  const query = encodeURIComponent(`gateway_function_invocation_total{function_name="${fn}"}`);
  await until(
    "Prometheus to hold the function's counter",
    async () => {
      const res = await fetch(`${prometheus.url}/api/v1/query?query=${query}`);
      return ((await res.json()) as { data: { result: unknown[] } }).data.result.length;
    },
    (n) => n > 0,
  );
}

/** Starts both services against the gateway; the function must have been called once. */
export async function startAlerting(
  t: Cleanups,
  bins: AlertingBinaries,
  o: Pick<AlertFlowOptions, 'url' | 'passwordFile' | 'fn' | 'timings'>,
): Promise<void> {
  const am = await startAlertmanager(
    t,
    bins,
    alertmanagerConfig({
      url: `${o.url}/system/alert`,
      passwordFile: o.passwordFile,
      ...o.timings.alertmanager,
    }),
  );
  const prometheus = await startPrometheus(
    t,
    bins,
    prometheusConfig({
      gateway: new URL(o.url).host,
      alertmanager: am.address,
      ...o.timings.prometheus,
    }),
  );
  await scraped(prometheus, o.fn);
}

/** Load until the function is at max, then no load until it is back at its starting count. */
export async function loadToMaxAndBack(o: AlertFlowOptions): Promise<AlertFlowResult> {
  const start = await o.replicas();
  const seen = [start];
  const steps: string[] = [];
  const began = performance.now();
  const record = async (): Promise<number> => {
    const n = await o.replicas();
    if (seen.at(-1) !== n) {
      steps.push(`${seen.at(-1)}→${n} at ${((performance.now() - began) / 1000).toFixed(1)} s`);
      seen.push(n);
    }
    return n;
  };
  const load = openLoop(`${o.url}/function/${o.fn}`, ALERT_RPS, o.timings.loadMaxMs);
  try {
    await until(`replicas at max (${o.max}) under load`, record, (n) => n === o.max, {
      timeoutMs: o.timings.loadMaxMs,
      intervalMs: 200,
    });
  } finally {
    await load.stop();
  }
  const toMaxS = (performance.now() - began) / 1000;
  const stopped = performance.now();
  await until(`replicas back at ${start} after the load`, record, (n) => n === start, {
    timeoutMs: o.timings.backToMinMs,
    intervalMs: 200,
  });
  const toMinS = (performance.now() - stopped) / 1000;
  return { seen, steps, toMaxS, toMinS, counts: { ...load.counts } };
}
