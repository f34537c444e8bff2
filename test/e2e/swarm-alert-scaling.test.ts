/**
 * The alert path on a real Swarm: `faas swarm up` with scaling=alert; a real Prometheus and
 * Alertmanager (Debian packages, on the host) scrape the gateway's published port and post to
 * its /system/alert with the generated password file. A bounded 20 rps load raises the sample
 * `echo` (min 1, max 4, factor 50) to 4 Swarm tasks, and it returns to 1 after the load stops.
 * Shortened intervals as in the local alert test; measured seconds are printed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALERT_LABELS,
  ALERT_RPS,
  FAST_TIMINGS,
  loadToMaxAndBack,
  startAlerting,
} from '../support/alert-flow.ts';
import { requireAlerting } from '../support/alerting.ts';
import { until } from '../support/poll.ts';
import { requireSwarm, upSwarmPlatform } from './swarm-harness.ts';

test(
  'Swarm alert path: Prometheus + Alertmanager take a function from 1 to 4 tasks and back',
  { timeout: 240_000 },
  async (t) => {
    const bins = requireAlerting(t);
    if (!bins) return;
    const docker = await requireSwarm(t);
    if (!docker) return;
    const p = await upSwarmPlatform(t, docker, ['scaling=alert']);
    const fn = `${p.n.prefix}busy`;
    const deployed = await p.api('/system/functions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service: fn,
        image: p.image,
        envProcess: 'cat',
        labels: ALERT_LABELS,
      }),
    });
    assert.equal(deployed.status, 202, await deployed.text());
    await until(
      `${fn} answers`,
      () => fetch(`${p.url}/function/${fn}`, { method: 'POST', body: 'hi' }).then((r) => r.status),
      (s) => s === 200,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await startAlerting(t, bins, {
      url: p.url,
      passwordFile: p.passwordFile,
      fn,
      timings: FAST_TIMINGS,
    });
    const status = async () =>
      (await (await p.api(`/system/function/${fn}`)).json()) as {
        replicas: number;
        availableReplicas: number;
      };
    let readyAtMax = 0;
    const r = await loadToMaxAndBack({
      url: p.url,
      passwordFile: p.passwordFile,
      fn,
      max: 4,
      timings: FAST_TIMINGS,
      replicas: async () => {
        const s = await status();
        readyAtMax = Math.max(readyAtMax, s.availableReplicas);
        return s.replicas;
      },
    });
    assert.deepEqual(r.seen, [1, 3, 4, 1], 'one step of 2, then capped at max, then min');
    assert.equal(readyAtMax, 4, 'Swarm ran the new tasks');
    assert.equal(r.counts.failed, 0, `every request succeeded: ${JSON.stringify(r.counts)}`);
    t.diagnostic(
      `swarm alert path (${FAST_TIMINGS.name}): load start → max ${r.toMaxS.toFixed(1)} s, ` +
        `load stop → min ${r.toMinS.toFixed(1)} s (${r.steps.join(', ')}; ` +
        `${r.counts.sent} requests at ${ALERT_RPS} rps)`,
    );
  },
);
