/**
 * The built-in autoscaler and scale to/from zero on a real Swarm: `faas swarm up` with
 * scaling=builtin, a 1 s interval and a 5 s window; the `echo` sample built and deployed twice
 * with scaling labels; ~20 rps through the published port raises one to 4 tasks and it returns
 * to 1; the other goes to 0 after 3 s idle and a cold call answers 200 with
 * X-Cold-Start-Seconds. Measured seconds are printed. Needs dockerd in a swarm.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLoop } from '../../bench/lib/open-loop.ts';
import { until } from '../support/poll.ts';
import { requireSwarm, upSwarmPlatform } from './swarm-harness.ts';

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const SCALING = ['scaling=builtin', 'autoscale_interval=1s', 'scale_down_window=5s'];

test(
  'Swarm: 20 rps → max 4 and back to min; idle → 0; a cold call answers',
  { timeout: 300_000 },
  async (t) => {
    const docker = await requireSwarm(t);
    if (!docker) return;
    const { n, url, api, image: img } = await upSwarmPlatform(t, docker, SCALING);
    const deploy = (service: string, labels: Record<string, string>) =>
      api('/system/functions', {
        method: 'POST',
        body: JSON.stringify({ service, image: img, envProcess: 'cat', labels }),
        headers: { 'content-type': 'application/json' },
      }).then((r) => assert.equal(r.status, 202));
    const busy = `${n.prefix}busy`;
    const sleepy = `${n.prefix}sleepy`;
    await deploy(busy, {
      'com.openfaas.scale.min': '1',
      'com.openfaas.scale.max': '4',
      'com.openfaas.scale.target': '5',
    });
    await deploy(sleepy, {
      'com.openfaas.scale.zero': 'true',
      'com.openfaas.scale.zero-duration': '3s',
    });
    const status = async (name: string) =>
      (await (await api(`/system/function/${name}`)).json()) as {
        replicas: number;
        availableReplicas: number;
      };
    const call = (name: string) => fetch(`${url}/function/${name}`, { method: 'POST', body: 'hi' });
    for (const name of [busy, sleepy]) {
      await until(
        `${name} answers`,
        () => call(name).then((r) => r.status),
        (s) => s === 200,
        {
          timeoutMs: 60_000,
          intervalMs: 250,
        },
      );
    }
    const lastSleepyCall = performance.now();
    const sleepyAtZero = until(
      'sleepy at 0',
      () => status(sleepy),
      (s) => s.replicas === 0,
      {
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    ).then(() => performance.now() - lastSleepyCall);

    const began = performance.now();
    const load = openLoop(`${url}/function/${busy}`, 20, 30_000);
    try {
      await until(
        '4 wanted',
        () => status(busy),
        (s) => s.replicas === 4,
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      const wanted = performance.now() - began;
      await until(
        '4 ready',
        () => status(busy),
        (s) => s.availableReplicas === 4,
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      t.diagnostic(
        `swarm: load start → 4 wanted ${seconds(wanted)} s, 4 ready ${seconds(performance.now() - began)} s`,
      );
    } finally {
      await load.stop();
    }
    const stopped = performance.now();
    assert.equal(load.counts.failed, 0, JSON.stringify(load.counts));
    const idleMs = await sleepyAtZero;
    t.diagnostic(`swarm: last call → 0 replicas ${seconds(idleMs)} s (zero-duration 3s)`);
    await until(
      'back to 1',
      () => status(busy),
      (s) => s.replicas === 1,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    t.diagnostic(
      `swarm: load stop → 1 replica ${seconds(performance.now() - stopped)} s (window 5s)`,
    );

    await until(
      'no sleepy task',
      () => status(sleepy),
      (s) => s.availableReplicas === 0,
      { timeoutMs: 30_000 },
    );
    const coldStart = performance.now();
    const cold = await call(sleepy);
    const coldMs = performance.now() - coldStart;
    assert.equal(cold.status, 200, await cold.clone().text());
    assert.equal(await cold.text(), 'hi');
    const header = cold.headers.get('x-cold-start-seconds');
    assert.match(header ?? '', /^\d+\.\d{3}$/);
    t.diagnostic(
      `swarm: cold call → first 200 ${seconds(coldMs)} s (X-Cold-Start-Seconds ${header})`,
    );
  },
);
