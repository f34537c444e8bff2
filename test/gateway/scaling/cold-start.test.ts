/**
 * Scale from zero through the invoke path: the fake provider's replicas become ready a set time
 * after scale() (as real ones do), a real upstream server answers, and a real Scaler counts
 * the scale calls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import request from 'supertest';
import { createApp } from '../../../gateway/app.ts';
import { FaasError } from '../../../gateway/contract/errors.ts';
import { GatewayMetrics } from '../../../gateway/http/metrics.ts';
import { FunctionCache } from '../../../gateway/invoke/function-cache.ts';
import { createInvoker } from '../../../gateway/invoke/proxy.ts';
import type { Logger } from '../../../gateway/log.ts';
import { Scaler } from '../../../gateway/scaling/scaler.ts';
import { ADMIN, upstream } from '../app-harness.ts';
import { FakeProvider } from '../fake-provider.ts';

/** Replicas answer `readyAfterMs` after a scale up from zero; counts scale() calls. */
class SlowStartProvider extends FakeProvider {
  scaleCalls: number[] = [];
  #readyAt = 0;
  constructor(readonly readyAfterMs: number) {
    super();
  }
  override async scale(name: string, namespace: string, replicas: number): Promise<void> {
    const before = (await this.get(name, namespace)).replicas;
    this.scaleCalls.push(replicas);
    if (before === 0 && replicas > 0) this.#readyAt = Date.now() + this.readyAfterMs;
    await super.scale(name, namespace, replicas);
  }
  override async resolve(name: string, namespace: string): Promise<URL> {
    const url = await super.resolve(name, namespace);
    if (Date.now() < this.#readyAt) throw new FaasError('NO_REPLICAS', `not ready: ${name}`);
    return url;
  }
}

function build(t: TestContext, provider: FakeProvider, withScaler = true) {
  const lines: string[] = [];
  const logger: Logger = { info: (m) => lines.push(m), error: (m) => lines.push(m) };
  const metrics = new GatewayMetrics(async () => []);
  const functions = new FunctionCache(provider, 0);
  const scaler = withScaler ? new Scaler({ provider, functions, logger }) : undefined;
  const invoker = createInvoker({
    resolver: provider,
    functions,
    metrics,
    namespace: 'openfaas-fn',
    upstreamTimeoutMs: 5000,
    maxRequestBytes: 1024,
    readyWaitMs: 0,
    ...(scaler ? { scaler } : {}),
  });
  t.after(() => invoker.close());
  const app = createApp({
    provider,
    invoker,
    functions,
    metrics,
    logger,
    credentials: ADMIN,
    namespace: 'openfaas-fn',
    maxRequestBytes: 1024,
    maxReplicas: 20,
    version: 'test',
  });
  return { app, metrics, lines };
}

async function atZero(t: TestContext, p: FakeProvider, labels: Record<string, string> = {}) {
  await p.deploy({
    service: 'cold',
    image: 'img',
    namespace: 'openfaas-fn',
    labels: { 'com.openfaas.scale.min': '0', ...labels },
    annotations: {},
    secrets: [],
    constraints: [],
    envVars: {},
  } as unknown as Parameters<FakeProvider['deploy']>[0]);
  const { url } = await upstream(t, (_req, res) => res.end('warm now\n'));
  p.endpoints.set('cold', url);
}

test('a call at zero is held, scaled once to max(1, min) and forwarded; header and metric', async (t) => {
  const p = new SlowStartProvider(150);
  await atZero(t, p);
  const { app, metrics, lines } = build(t, p);
  const calls = await Promise.all(
    Array.from({ length: 5 }, () => request(app).post('/function/cold').send('x')),
  );
  for (const res of calls) {
    assert.equal(res.status, 200);
    assert.equal(res.text, 'warm now\n');
    const seconds = Number(res.headers['x-cold-start-seconds']);
    assert.match(res.headers['x-cold-start-seconds'] as string, /^\d+\.\d{3}$/);
    assert.ok(seconds >= 0.1 && seconds < 2, `waited ${seconds}s`);
  }
  assert.deepEqual(p.scaleCalls, [1], 'one coalesced scale-up');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('scale ')),
    ['scale cold: 0 → 1 (cold-start: a call arrived while at zero)'],
  );
  const text = await metrics.registry.metrics();
  assert.match(text, /gateway_function_cold_start_seconds_count\{function_name="cold"\} 5/);

  const warm = await request(app).post('/function/cold').send('x').expect(200);
  assert.equal(warm.headers['x-cold-start-seconds'], undefined, 'a warm call did not wait');
});

test('min above 1: scaled from zero to min', async (t) => {
  const p = new SlowStartProvider(0);
  await atZero(t, p);
  const fn = p.functions.get('openfaas-fn/cold')!;
  fn.deployment = {
    ...fn.deployment,
    labels: { 'com.openfaas.scale.min': '3', 'com.openfaas.scale.zero': 'true' },
  };
  const { app } = build(t, p);
  await request(app).get('/function/cold').expect(200);
  assert.deepEqual(p.scaleCalls, [3]);
});

test('no ready replica within the function timeout: 503 with a clear message', async (t) => {
  const p = new SlowStartProvider(10_000);
  await atZero(t, p, { 'com.openfaas.timeout': '300ms' });
  const { app } = build(t, p);
  const started = Date.now();
  const res = await request(app).post('/function/cold').send('x').expect(503);
  assert.ok(Date.now() - started >= 290, 'it waited for the timeout');
  assert.equal(res.headers['x-openfaas-internal'], 'gateway');
  assert.match(res.text, /cold is scaling from zero but no replica was ready within 0.3s/);
});

test('the wait for a replica counts against the function timeout: a slow answer then is 504', async (t) => {
  const p = new SlowStartProvider(300);
  await atZero(t, p, { 'com.openfaas.timeout': '500ms' });
  const { url } = await upstream(t, (_req, res) => void setTimeout(() => res.end('late\n'), 350));
  p.endpoints.set('cold', url);
  const { app } = build(t, p);
  // ~0.3 s waiting plus the 0.35 s answer passes 0.5 s (with a fresh 0.5 s for the answer: 200)
  const res = await request(app).post('/function/cold').send('x');
  assert.equal(res.status, 504, res.text);
});

test('without a scaler a function at zero still answers 503 at once', async (t) => {
  const p = new SlowStartProvider(0);
  await atZero(t, p);
  const { app } = build(t, p, false);
  const res = await request(app).post('/function/cold').send('x').expect(503);
  assert.match(res.text, /No endpoints available for: cold/);
  assert.deepEqual(p.scaleCalls, []);
});

test('load signals: the invoker counts completed and in-flight calls of real functions only', async (t) => {
  const p = new SlowStartProvider(0);
  await atZero(t, p, { 'com.openfaas.scale.min': '1' });
  await p.scale('cold', 'openfaas-fn', 1);
  const { app, metrics } = build(t, p);
  await request(app).post('/function/cold').send('x').expect(200);
  await request(app).post('/function/cold').send('x').expect(200);
  await request(app).post('/function/nope').send('x').expect(404);
  const s = metrics.load.sample('cold');
  assert.equal(s.completed, 2);
  assert.equal(s.inFlight, 0);
  assert.ok(s.lastRequestAt !== undefined && Date.now() - s.lastRequestAt < 5000);
  assert.equal(metrics.load.sample('nope').lastRequestAt, undefined);
});
