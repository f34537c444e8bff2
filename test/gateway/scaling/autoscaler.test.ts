/**
 * The autoscaler loop against the fake provider and a real Scaler, on a hand-driven clock:
 * ticks are called directly, so nothing sleeps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ValidDeployment } from '../../../gateway/contract/types.ts';
import { FunctionCache } from '../../../gateway/invoke/function-cache.ts';
import type { Logger } from '../../../gateway/log.ts';
import { Autoscaler } from '../../../gateway/scaling/autoscaler.ts';
import { LoadSignals } from '../../../gateway/scaling/load-signals.ts';
import { Scaler } from '../../../gateway/scaling/scaler.ts';
import { FakeProvider } from '../fake-provider.ts';

const NS = 'openfaas-fn';

function deployment(service: string, labels: Record<string, string>): ValidDeployment {
  return {
    service,
    image: 'img',
    namespace: NS,
    labels,
    annotations: {},
    secrets: [],
    constraints: [],
  };
}

async function setup(labels: Record<string, string>, builtin = true, intervalMs = 1000) {
  let now = 1_000_000;
  const clock = () => now;
  const lines: string[] = [];
  const logger: Logger = { info: (m) => lines.push(m), error: (m) => lines.push(`error ${m}`) };
  const provider = new FakeProvider();
  await provider.deploy(deployment('fn', labels));
  const scaler = new Scaler({
    provider,
    functions: new FunctionCache(provider),
    logger,
    now: clock,
  });
  const signals = new LoadSignals(clock);
  const autoscaler = new Autoscaler({
    provider,
    scaler,
    signals,
    logger,
    namespace: NS,
    maxReplicas: 20,
    intervalMs,
    windowMs: 5000,
    builtin,
    now: clock,
  });
  const replicas = async () => (await provider.get('fn', NS)).replicas;
  /** `seconds` of ticks at `rps` completed calls per second. */
  const load = async (seconds: number, rps: number) => {
    for (let s = 0; s < seconds; s++) {
      for (let i = 0; i < rps; i++) signals.begin('fn')();
      now += 1000;
      await autoscaler.tick();
    }
  };
  return {
    provider,
    scaler,
    autoscaler,
    lines,
    replicas,
    load,
    advance: (ms: number) => (now += ms),
  };
}

test('scales up with the load and back to min after the window; every change logged', async () => {
  const s = await setup({
    'com.openfaas.scale.min': '1',
    'com.openfaas.scale.max': '4',
    'com.openfaas.scale.target': '5',
  });
  await s.load(3, 0);
  await s.load(1, 20);
  assert.equal(await s.replicas(), 2, 'the rate is measured over 2 s: half of it was idle');
  await s.load(1, 20);
  assert.equal(await s.replicas(), 4);
  await s.load(5, 0);
  assert.equal(await s.replicas(), 4, 'the 5 s window still holds the 20 rps tick');
  await s.load(1, 0);
  assert.equal(await s.replicas(), 2, 'the window now holds a 10 rps tick at most');
  await s.load(1, 0);
  assert.equal(await s.replicas(), 1);
  assert.deepEqual(s.lines, [
    'scale fn: 1 → 2 (autoscaler: 10.0 rps over target 5/replica)',
    'scale fn: 2 → 4 (autoscaler: 20.0 rps over target 5/replica)',
    'scale fn: 4 → 2 (autoscaler: 0.0 rps over target 5/replica, lower for 5s)',
    'scale fn: 2 → 1 (autoscaler: 0.0 rps over target 5/replica, lower for 5s)',
  ]);
  assert.equal(s.scaler.lastChange('fn', NS)?.source, 'autoscaler');
});

test('scale to zero after zero-duration when labelled, also with scaling=alert', async () => {
  const s = await setup(
    { 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': '10s' },
    false,
  );
  await s.load(9, 0);
  assert.equal(await s.replicas(), 1);
  await s.load(2, 0);
  assert.equal(await s.replicas(), 0);
  assert.deepEqual(s.lines, ['scale fn: 1 → 0 (idle: no request for 10s)']);
  await s.load(30, 0);
  assert.equal(s.lines.length, 1, 'stays at zero without further changes');
});

test('scaling=alert: no load-driven changes', async () => {
  const s = await setup({ 'com.openfaas.scale.target': '5' }, false);
  await s.load(5, 100);
  assert.equal(await s.replicas(), 1);
});

test('a failing provider is logged, never thrown; ticks do not overlap', async () => {
  const s = await setup({});
  let calls = 0;
  s.provider.list = async () => {
    calls++;
    await new Promise((r) => setImmediate(r));
    throw new Error('backend down');
  };
  const [a, b] = [s.autoscaler.tick(), s.autoscaler.tick()];
  assert.equal(a, b, 'the second tick joins the first');
  await a;
  assert.equal(calls, 1);
  assert.deepEqual(s.lines, ['error autoscaler tick failed']);
});

test('start() runs ticks on an unref()ed timer; stop() ends them', async () => {
  const s = await setup(
    { 'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': '1s' },
    true,
    50,
  );
  let ticks = 0;
  const list = s.provider.list.bind(s.provider);
  s.provider.list = (ns) => {
    ticks++;
    s.advance(2000);
    return list(ns);
  };
  s.autoscaler.start();
  const deadline = Date.now() + 5000;
  while (ticks < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await s.autoscaler.stop();
  const after = ticks;
  await new Promise((r) => setTimeout(r, 200)); // four intervals
  assert.ok(after >= 2, `ticked ${after} times`);
  assert.equal(ticks, after, 'no tick after stop()');
  assert.equal(await s.replicas(), 0);
});
