/**
 * The alert path end to end: the built gateway (local provider, scaling=alert), a real Prometheus
 * scraping it with the shipped rule, a real Alertmanager posting to /system/alert with the
 * gateway's generated password file. A bounded load of 20 rps raises a function labelled
 * min 1 / max 4 / factor 50 to 4 replicas (1 → 3 → 4), and it returns to 1 after the load stops.
 * Intervals are shortened for the test (scrape and evaluation 1s, Alertmanager 1s/1s/3s);
 * FAAS_ALERT_SHIPPED_TIMINGS=1 keeps the shipped ones (5s scrape, 15s evaluation, Alertmanager
 * 5s/10s/30s) with a longer load bound, to measure what users get (docs/autoscaling.md).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { writeImage } from '../../gateway/providers/local/index.ts';
import {
  alertmanagerConfig,
  prometheusConfig,
  requireAlerting,
  startAlertmanager,
  startPrometheus,
} from '../support/alerting.ts';
import { until } from '../support/poll.ts';
import { GATEWAY, freePort, workDir } from './harness.ts';

const FN = 'busy';
const RPS = 20;

const FAST = {
  name: 'scrape/eval 1s, Alertmanager 1s/1s/3s',
  prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
  alertmanager: { groupWait: '1s', groupInterval: '1s', repeatInterval: '3s' },
  loadMaxMs: 30_000,
  backToMinMs: 45_000,
};
const SHIPPED_TIMINGS = {
  name: 'shipped: scrape 5s, eval 15s, Alertmanager 5s/10s/30s',
  prometheus: {},
  alertmanager: {},
  loadMaxMs: 120_000,
  backToMinMs: 90_000,
};
const TIMINGS = process.env.FAAS_ALERT_SHIPPED_TIMINGS === '1' ? SHIPPED_TIMINGS : FAST;

/** The built gateway with scaling=alert and a generated admin password (as a user starts it). */
async function startGateway(t: TestContext, dir: string, port: number): Promise<() => string> {
  const child = spawn(process.execPath, [GATEWAY], {
    cwd: dir,
    env: { PATH: process.env.PATH, port: String(port), scaling: 'alert' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  t.after(() => child.kill('SIGKILL'));
  await until(
    'the gateway to listen',
    () => {
      if (child.exitCode !== null) throw new Error(`gateway exited:\n${log}`);
      return log.includes('listening on');
    },
    (ok) => ok,
    { timeoutMs: 15_000 },
  );
  return () => log;
}

/** POSTs to the function at `rps` until stopped, for at most `maxMs` and rps × maxMs requests. */
function startLoad(url: string, rps: number, maxMs: number) {
  const limit = Math.ceil((rps * maxMs) / 1000);
  const inflight = new Set<Promise<void>>();
  const counts = { sent: 0, ok: 0, failed: 0 };
  const started = Date.now();
  const timer = setInterval(() => {
    if (counts.sent >= limit || Date.now() - started >= maxMs) return clearInterval(timer);
    counts.sent++;
    const p = fetch(url, { method: 'POST', body: 'x', signal: AbortSignal.timeout(5000) })
      .then(async (r) => {
        await r.arrayBuffer();
        counts[r.status === 200 ? 'ok' : 'failed']++;
      })
      .catch(() => void counts.failed++)
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }, 1000 / rps);
  return {
    started,
    async stop() {
      clearInterval(timer);
      await Promise.all(inflight);
      return counts;
    },
  };
}

test(
  'alert path: Prometheus + Alertmanager take a function from min to max under load and back',
  {
    timeout: 60_000 + TIMINGS.loadMaxMs + TIMINGS.backToMinMs,
  },
  async (t) => {
    const bins = requireAlerting(t);
    if (!bins) return;
    const dir = workDir(t);
    await writeImage(join(dir, '.faas/images'), 'faas/cat:1', { fprocess: 'cat' });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const gatewayLog = await startGateway(t, dir, port);
    const passwordFile = join(dir, '.faas/gateway-secrets/basic-auth-password');
    const auth = `Basic ${Buffer.from(`admin:${readFileSync(passwordFile, 'utf8').trim()}`).toString('base64')}`;
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, { ...init, headers: { authorization: auth } });

    const am = await startAlertmanager(
      t,
      bins,
      alertmanagerConfig({
        url: `${url}/system/alert`,
        passwordFile,
        ...TIMINGS.alertmanager,
      }),
    );
    const prometheus = await startPrometheus(
      t,
      bins,
      prometheusConfig({
        gateway: `127.0.0.1:${port}`,
        alertmanager: am.address,
        ...TIMINGS.prometheus,
      }),
    );

    const deployed = await admin('/system/functions', {
      method: 'POST',
      body: JSON.stringify({
        service: FN,
        image: 'faas/cat:1',
        labels: {
          'com.openfaas.scale.min': '1',
          'com.openfaas.scale.max': '4',
          'com.openfaas.scale.factor': '50',
        },
      }),
    });
    assert.equal(deployed.status, 202, await deployed.text());
    await until(
      'the first replica to answer',
      async () => (await fetch(`${url}/function/${FN}`, { method: 'POST', body: 'hi' })).status,
      (s) => s === 200,
    );
    // A Prometheus that has been running: its first scrape comes ~5 s after start (target
    // discovery is batched), which the load must not be timed against.
    const query = encodeURIComponent(`gateway_function_invocation_total{function_name="${FN}"}`);
    await until(
      "Prometheus to hold the function's counter",
      async () =>
        (
          (await (await fetch(`${prometheus.url}/api/v1/query?query=${query}`)).json()) as {
            data: { result: unknown[] };
          }
        ).data.result.length,
      (n) => n > 0,
    );
    const replicas = async (): Promise<number> =>
      ((await (await admin(`/system/function/${FN}`)).json()) as { replicas: number }).replicas;
    const serviceCount = async (): Promise<number> => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const m = new RegExp(`^gateway_service_count\\{function_name="${FN}"\\} (\\d+)$`, 'm').exec(
        text,
      );
      return Number(m?.[1] ?? NaN);
    };
    assert.equal(await replicas(), 1);

    const seen: number[] = [1];
    const steps: string[] = [];
    let loadStart = 0;
    const record = async (): Promise<number> => {
      const n = await replicas();
      if (seen.at(-1) !== n) {
        steps.push(`${seen.at(-1)}→${n} at ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);
        seen.push(n);
      }
      return n;
    };
    const load = startLoad(`${url}/function/${FN}`, RPS, TIMINGS.loadMaxMs);
    loadStart = load.started;
    let counts;
    try {
      await until('replicas at max (4) under load', record, (n) => n === 4, {
        timeoutMs: TIMINGS.loadMaxMs,
        intervalMs: 200,
      });
    } finally {
      counts = await load.stop();
    }
    const toMaxS = (Date.now() - load.started) / 1000;
    assert.equal(await serviceCount(), 4, 'gateway_service_count shows the new replicas');
    const stopped = Date.now();
    await until('replicas back at min (1) after the load', record, (n) => n === 1, {
      timeoutMs: TIMINGS.backToMinMs,
      intervalMs: 200,
    });
    const toMinS = (Date.now() - stopped) / 1000;
    assert.equal(await serviceCount(), 1);

    assert.deepEqual(seen, [1, 3, 4, 1], 'one step of 2, then capped at max, then min');
    assert.equal(counts.failed, 0, `every request succeeded: ${JSON.stringify(counts)}`);
    const log = gatewayLog();
    assert.match(log, /scale busy: 1 → 3 \(alert: alert firing/);
    assert.match(log, /scale busy: 3 → 4 \(alert: alert firing/);
    assert.match(log, /scale busy: 4 → 1 \(alert: alert resolved/);
    t.diagnostic(
      `alert path (${TIMINGS.name}): load start → max ${toMaxS.toFixed(1)} s, ` +
        `load stop → min ${toMinS.toFixed(1)} s (steps since load start: ${steps.join(', ')}; ` +
        `${counts.sent} requests at ${RPS} rps)`,
    );
  },
);
