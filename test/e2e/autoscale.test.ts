/**
 * The built-in autoscaler end to end: the built gateway with the local provider, scaling=builtin,
 * a 1 s interval and a 5 s scale-down window. A bounded ~20 rps load takes a function (min 1,
 * max 4, target 5 rps) to 4 replicas and it returns to 1 after the load; a function labelled
 * for scale to zero goes to 0 after 3 s idle and a cold call then succeeds. Measured seconds
 * are printed as diagnostics.
 */
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { writeImage } from '../../gateway/providers/local/index.ts';
import { until } from '../support/poll.ts';
import { ADMIN, freePort, startGateway, workDir } from './harness.ts';

const AUTH = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;
const SCALING_ENV = { scaling: 'builtin', autoscale_interval: '1s', scale_down_window: '5s' };

interface Status {
  replicas: number;
  availableReplicas: number;
}

async function system(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res;
}

const status = async (url: string, name: string): Promise<Status> =>
  (await (await system(url, 'GET', `/system/function/${name}`)).json()) as Status;

async function serviceCount(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^gateway_service_count\\{function_name="${name}"\\} (\\d+)$`, 'm');
  const v = m.exec(text)?.[1];
  return v === undefined ? undefined : Number(v);
}

/** POSTs at `rps` per second on a schedule (open loop) until stopped or `maxMs` passes. */
function pacedLoad(target: string, rps: number, maxMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = { sent: 0, ok: 0, failed: 0 };
  const start = performance.now();
  let stopped = false;
  const post = () =>
    new Promise<void>((resolve) => {
      counts.sent++;
      const req = httpRequest(target, { agent, method: 'POST', timeout: 10_000 }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode === 200) counts.ok++;
          else counts.failed++;
          resolve();
        });
      });
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', () => (counts.failed++, resolve()));
      req.end('ping');
    });
  const inFlight = new Set<Promise<void>>();
  const done = (async () => {
    for (let i = 0; !stopped && performance.now() - start < maxMs; i++) {
      const p = post().finally(() => inFlight.delete(p));
      inFlight.add(p);
      const next = start + ((i + 1) * 1000) / rps;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    await Promise.all(inFlight);
    agent.destroy();
  })();
  return {
    counts,
    async stop() {
      stopped = true;
      await done;
      return counts;
    },
  };
}

async function deploy(url: string, service: string, labels: Record<string, string>) {
  await system(url, 'POST', '/system/functions', { service, image: 'faas/cat:1', labels });
  await until(
    'a ready replica',
    () => status(url, service),
    (s) => s.availableReplicas >= 1,
  );
}

async function startScalingGateway(t: TestContext): Promise<string> {
  const dir = workDir(t);
  await writeImage(join(dir, '.faas/images'), 'faas/cat:1', { fprocess: 'cat' });
  const port = await freePort();
  await startGateway(t, dir, port, SCALING_ENV);
  return `http://127.0.0.1:${port}`;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

test('~20 rps raises a function from 1 to max 4; after the load it returns to min', async (t) => {
  const url = await startScalingGateway(t);
  await deploy(url, 'busy', {
    'com.openfaas.scale.min': '1',
    'com.openfaas.scale.max': '4',
    'com.openfaas.scale.target': '5',
    'com.openfaas.scale.type': 'rps',
  });
  assert.equal((await status(url, 'busy')).replicas, 1);

  const began = performance.now();
  const load = pacedLoad(`${url}/function/busy`, 20, 30_000);
  let atMaxMs: number;
  let readyMs: number;
  try {
    await until(
      '4 replicas wanted',
      () => status(url, 'busy'),
      (s) => s.replicas === 4,
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    atMaxMs = performance.now() - began;
    await until(
      '4 replicas ready',
      () => status(url, 'busy'),
      (s) => s.availableReplicas === 4,
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    readyMs = performance.now() - began;
    assert.equal(await serviceCount(url, 'busy'), 4, 'gateway_service_count follows');
  } finally {
    await load.stop();
  }
  const stoppedAt = performance.now();
  t.diagnostic(
    `load start → replicas 4: ${seconds(atMaxMs)} s (all 4 ready: ${seconds(readyMs)} s)`,
  );
  assert.ok(atMaxMs <= 30_000);
  assert.ok(load.counts.ok > 0 && load.counts.failed === 0, JSON.stringify(load.counts));

  await until(
    'back to min',
    () => status(url, 'busy'),
    (s) => s.replicas === 1,
    {
      timeoutMs: 30_000,
      intervalMs: 100,
    },
  );
  const downMs = performance.now() - stoppedAt;
  t.diagnostic(`load stop → replicas 1: ${seconds(downMs)} s (scale_down_window 5s)`);
  assert.ok(downMs >= 4000, `not before the window (${downMs} ms)`);
  assert.equal(await serviceCount(url, 'busy'), 1);
  await until(
    'one replica left',
    () => status(url, 'busy'),
    (s) => s.availableReplicas === 1,
  );
});

test('idle for zero-duration → 0 replicas; a cold call then answers 200 with X-Cold-Start-Seconds', async (t) => {
  const url = await startScalingGateway(t);
  await deploy(url, 'sleepy', {
    'com.openfaas.scale.zero': 'true',
    'com.openfaas.scale.zero-duration': '3s',
  });
  const warm = await fetch(`${url}/function/sleepy`, { method: 'POST', body: 'hi' });
  assert.equal(warm.status, 200);
  assert.equal(warm.headers.get('x-cold-start-seconds'), null);
  assert.equal(await warm.text(), 'hi');
  const lastCall = performance.now();

  await until(
    '0 replicas',
    () => status(url, 'sleepy'),
    (s) => s.replicas === 0,
    {
      timeoutMs: 20_000,
      intervalMs: 100,
    },
  );
  const idleMs = performance.now() - lastCall;
  t.diagnostic(`last call → replicas 0: ${seconds(idleMs)} s (zero-duration 3s)`);
  assert.ok(idleMs >= 3000, `not before zero-duration (${idleMs} ms)`);
  await until(
    'no replica left',
    () => status(url, 'sleepy'),
    (s) => s.availableReplicas === 0,
  );
  assert.equal(await serviceCount(url, 'sleepy'), 0);

  const coldStart = performance.now();
  const cold = await fetch(`${url}/function/sleepy`, { method: 'POST', body: 'again' });
  const coldMs = performance.now() - coldStart;
  assert.equal(cold.status, 200);
  assert.equal(await cold.text(), 'again');
  const header = cold.headers.get('x-cold-start-seconds');
  assert.match(header ?? '', /^\d+\.\d{3}$/);
  t.diagnostic(`cold call → first 200: ${seconds(coldMs)} s (X-Cold-Start-Seconds ${header})`);
  const s = await status(url, 'sleepy');
  assert.equal(s.replicas, 1);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /gateway_function_cold_start_seconds_count\{function_name="sleepy"\} 1/);
});

test('a scale request under load holds for the scale-down window, then the load decides', async (t) => {
  const url = await startScalingGateway(t);
  const labels = { 'com.openfaas.scale.max': '4', 'com.openfaas.scale.target': '5' };
  await deploy(url, 'held', labels);
  const load = pacedLoad(`${url}/function/held`, 20, 30_000);
  try {
    await until(
      '4 replicas wanted',
      () => status(url, 'held'),
      (s) => s.replicas === 4,
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    const asked = performance.now();
    await system(url, 'POST', '/system/scale-function/held', { serviceName: 'held', replicas: 2 });
    // three autoscaler ticks (1 s each) inside the 5 s window: none moves it back up
    while (performance.now() - asked < 3500) {
      assert.equal((await status(url, 'held')).replicas, 2, 'the scale request stands');
      await new Promise((r) => setTimeout(r, 250));
    }
    await until(
      'the load decides again',
      () => status(url, 'held'),
      (s) => s.replicas === 4,
      {
        timeoutMs: 10_000,
        intervalMs: 100,
      },
    );
    t.diagnostic(`scale request held ${seconds(performance.now() - asked)} s before the load won`);
  } finally {
    await load.stop();
  }
});
