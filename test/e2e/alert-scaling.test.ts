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
  ALERT_LABELS,
  ALERT_RPS,
  FAST_TIMINGS,
  SHIPPED_TIMINGS,
  loadToMaxAndBack,
  startAlerting,
} from '../support/alert-flow.ts';
import { requireAlerting } from '../support/alerting.ts';
import { until } from '../support/poll.ts';
import { GATEWAY, freePort, workDir } from './harness.ts';

const FN = 'busy';
const TIMINGS = process.env.FAAS_ALERT_SHIPPED_TIMINGS === '1' ? SHIPPED_TIMINGS : FAST_TIMINGS;

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

    const deployed = await admin('/system/functions', {
      method: 'POST',
      body: JSON.stringify({
        service: FN,
        image: 'faas/cat:1',
        labels: ALERT_LABELS,
      }),
    });
    assert.equal(deployed.status, 202, await deployed.text());
    await until(
      'the first replica to answer',
      async () => (await fetch(`${url}/function/${FN}`, { method: 'POST', body: 'hi' })).status,
      (s) => s === 200,
    );
    await startAlerting(t, bins, { url, passwordFile, fn: FN, timings: TIMINGS });
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

    let atMax = NaN;
    const r = await loadToMaxAndBack({
      url,
      passwordFile,
      fn: FN,
      max: 4,
      timings: TIMINGS,
      replicas: async () => {
        const n = await replicas();
        if (n === 4 && Number.isNaN(atMax)) atMax = await serviceCount();
        return n;
      },
    });
    assert.equal(atMax, 4, 'gateway_service_count shows the new replicas');
    assert.equal(await serviceCount(), 1);

    assert.deepEqual(r.seen, [1, 3, 4, 1], 'one step of 2, then capped at max, then min');
    assert.equal(r.counts.failed, 0, `every request succeeded: ${JSON.stringify(r.counts)}`);
    const log = gatewayLog();
    assert.match(log, /scale busy: 1 → 3 \(alert: alert firing/);
    assert.match(log, /scale busy: 3 → 4 \(alert: alert firing/);
    assert.match(log, /scale busy: 4 → 1 \(alert: alert resolved/);
    t.diagnostic(
      `alert path (${TIMINGS.name}): load start → max ${r.toMaxS.toFixed(1)} s, ` +
        `load stop → min ${r.toMinS.toFixed(1)} s (steps since load start: ${r.steps.join(', ')}; ` +
        `${r.counts.sent} requests at ${ALERT_RPS} rps)`,
    );
  },
);
