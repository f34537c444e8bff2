/**
 * POST /system/alert through the whole app (supertest): firing and resolved alerts change
 * replicas through the Scaler, each alert on its own, and bad bodies get the contract's 400s.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import request from 'supertest';
import { createApp } from '../../gateway/app.ts';
import type { ScalingMode } from '../../gateway/config.ts';
import { GatewayMetrics } from '../../gateway/http/metrics.ts';
import { FunctionCache } from '../../gateway/invoke/function-cache.ts';
import { createInvoker } from '../../gateway/invoke/proxy.ts';
import type { Logger } from '../../gateway/log.ts';
import { Scaler } from '../../gateway/scaling/scaler.ts';
import { ADMIN } from './app-harness.ts';
import { FakeProvider } from './fake-provider.ts';

const NS = 'openfaas-fn';

function build(t: TestContext, options: { scaling?: ScalingMode; maxRequestBytes?: number } = {}) {
  const provider = new FakeProvider();
  const lines: string[] = [];
  const logger: Logger = { info: (m) => lines.push(m), error: (m) => lines.push(`ERROR ${m}`) };
  const metrics = new GatewayMetrics(async () =>
    (await provider.list(NS)).map((f) => ({ name: f.name, replicas: f.replicas })),
  );
  const functions = new FunctionCache(provider, 0);
  const maxRequestBytes = options.maxRequestBytes ?? 1024 * 1024;
  const invoker = createInvoker({
    resolver: provider,
    functions,
    metrics,
    namespace: NS,
    upstreamTimeoutMs: 5000,
    maxRequestBytes,
    readyWaitMs: 0,
  });
  t.after(() => invoker.close());
  const scaler = new Scaler({ provider, functions, logger });
  const app = createApp({
    provider,
    invoker,
    functions,
    metrics,
    scaler,
    scaling: options.scaling ?? 'both',
    logger,
    credentials: ADMIN,
    namespace: NS,
    maxRequestBytes,
    maxReplicas: 20,
    version: 'test',
  });
  const deploy = (service: string, l: Record<string, string> = {}) =>
    provider.deploy({
      service,
      image: 'img',
      namespace: NS,
      labels: l,
      annotations: {},
      secrets: [],
      constraints: [],
    });
  const replicas = async (name: string) => (await provider.get(name, NS)).replicas;
  const alert = (body: unknown) =>
    request(app)
      .post('/system/alert')
      .auth(ADMIN.user, ADMIN.password)
      .send(body as object);
  return { app, provider, scaler, lines, deploy, replicas, alert };
}

const scaleLabels = (min: number, max: number, factor: number) => ({
  'com.openfaas.scale.min': String(min),
  'com.openfaas.scale.max': String(max),
  'com.openfaas.scale.factor': String(factor),
});

/** An Alertmanager webhook body as version 4 sends it. */
function webhook(alerts: [status: 'firing' | 'resolved', functionName: string][]) {
  return {
    receiver: 'scale-up',
    status: alerts.some(([s]) => s === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map(([status, function_name]) => ({
      status,
      labels: {
        alertname: 'APIHighInvocationRate',
        function_name,
        service: 'gateway',
        severity: 'major',
      },
      annotations: { summary: `High invocation total on ${function_name}` },
      startsAt: '2024-01-01T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: 'abc',
    })),
    groupLabels: { alertname: 'APIHighInvocationRate' },
    commonLabels: { alertname: 'APIHighInvocationRate', service: 'gateway' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: '{}:{alertname="APIHighInvocationRate"}',
    truncatedAlerts: 0,
  };
}

test('firing steps replicas up to max, resolved brings them back to min; each change logged as alert', async (t) => {
  const h = build(t);
  await h.deploy('echo', scaleLabels(1, 4, 50));
  const seen: number[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await h.alert(webhook([['firing', 'echo']])).expect(200);
    assert.equal(res.text, '');
    seen.push(await h.replicas('echo'));
  }
  assert.deepEqual(seen, [3, 4, 4]);
  assert.equal(h.scaler.lastChange('echo', NS)?.source, 'alert');
  await h.alert(webhook([['resolved', 'echo']])).expect(200);
  assert.equal(await h.replicas('echo'), 1);
  assert.deepEqual(
    h.lines.filter((l) => l.startsWith('scale echo')),
    [
      'scale echo: 1 → 3 (alert: alert firing: +2 (50% of max 4), capped at 4)',
      'scale echo: 3 → 4 (alert: alert firing: +2 (50% of max 4), capped at 4)',
      'scale echo: 4 → 1 (alert: alert resolved: back to min 1)',
    ],
  );
});

test('the default labels (min 1, max 20, factor 20) step by 4', async (t) => {
  const h = build(t);
  await h.deploy('plain');
  await h.alert(webhook([['firing', 'plain']])).expect(200);
  assert.equal(await h.replicas('plain'), 5);
});

test('NAME.openfaas-fn is the same function; another namespace is refused for that alert', async (t) => {
  const h = build(t);
  await h.deploy('echo', scaleLabels(1, 4, 50));
  await h.alert(webhook([['firing', 'echo.openfaas-fn']])).expect(200);
  assert.equal(await h.replicas('echo'), 3);
  const res = await h.alert(webhook([['firing', 'echo.other']])).expect(500);
  assert.match(res.body.message, /^\[0\] "echo\.other": namespace must be openfaas-fn$/);
  assert.equal(await h.replicas('echo'), 3);
});

test('several alerts: an unknown function fails alone, the others are scaled, the failure is listed', async (t) => {
  const h = build(t);
  await h.deploy('a', scaleLabels(1, 4, 50));
  await h.deploy('b', scaleLabels(2, 10, 10));
  await h.deploy('c', scaleLabels(1, 6, 50));
  await h.provider.scale('c', NS, 5);
  const res = await h
    .alert(
      webhook([
        ['firing', 'a'],
        ['firing', 'nope'],
        ['firing', 'b'],
        ['resolved', 'c'],
      ]),
    )
    .expect(500);
  assert.equal(res.body.code, 'ALERTS_FAILED');
  assert.equal(res.body.message, '[1] function nope not found in openfaas-fn');
  assert.deepEqual(
    [await h.replicas('a'), await h.replicas('b'), await h.replicas('c')],
    [3, 3, 1],
  );
});

test('unknown and hostile function names never become metric labels', async (t) => {
  const h = build(t);
  await h
    .alert(
      webhook([
        ['firing', 'ghost-fn'],
        ['firing', '../x'],
      ]),
    )
    .expect(500);
  const metrics = await request(h.app).get('/metrics').expect(200);
  assert.doesNotMatch(metrics.text, /ghost-fn|\.\.\/x/);
});

test('a provider failure for one alert is listed and logged; the other alerts are applied', async (t) => {
  const h = build(t);
  await h.deploy('ok', scaleLabels(1, 4, 50));
  await h.deploy('broken', scaleLabels(1, 4, 50));
  const scale = h.provider.scale.bind(h.provider);
  h.provider.scale = async (name, ns, n) => {
    if (name === 'broken') throw new Error('engine said no');
    return scale(name, ns, n);
  };
  const res = await h
    .alert(
      webhook([
        ['firing', 'broken'],
        ['firing', 'ok'],
      ]),
    )
    .expect(500);
  assert.equal(res.body.message, '[0] engine said no');
  assert.equal(await h.replicas('ok'), 3);
  assert.ok(h.lines.some((l) => l.startsWith('ERROR alert 0 for "broken" failed')));
});

test('min == max and factor 0 leave replicas unchanged and answer 200', async (t) => {
  const h = build(t);
  await h.deploy('fixed', scaleLabels(3, 3, 50));
  await h.deploy('off', scaleLabels(1, 10, 0));
  await h
    .alert(
      webhook([
        ['firing', 'fixed'],
        ['firing', 'off'],
      ]),
    )
    .expect(200);
  await h
    .alert(
      webhook([
        ['resolved', 'fixed'],
        ['resolved', 'off'],
      ]),
    )
    .expect(200);
  assert.deepEqual([await h.replicas('fixed'), await h.replicas('off')], [3, 1]);
  assert.equal(h.scaler.lastChange('fixed', NS), undefined);
  assert.ok(h.lines.some((l) => /alert firing for off: not scaled \(scale factor 0/.test(l)));
});

test('bad bodies: 400 with the contract messages, nothing scaled', async (t) => {
  const h = build(t, { maxRequestBytes: 2048 });
  await h.deploy('echo', scaleLabels(1, 4, 50));
  const post = () => request(h.app).post('/system/alert').auth(ADMIN.user, ADMIN.password);
  const bad = /^Unable to parse alert, bad format\./;
  const cases: [string, () => request.Test, number, RegExp][] = [
    ['no body at all', () => post(), 400, /^A body is required for this endpoint$/],
    ['an empty body', () => post().type('json').send(''), 400, /^A body is required/],
    ['malformed JSON', () => post().type('json').send('{"alerts": ['), 400, bad],
    ['JSON that is not an object', () => post().send([1, 2]), 400, bad],
    ['an empty object', () => post().send({}), 400, /alerts: must be an array/],
    ['alerts not an array', () => post().send({ alerts: 'x' }), 400, /alerts: must be an array/],
    [
      'a wrong status type',
      () => post().send({ alerts: [{ status: 1, labels: {} }] }),
      400,
      /status/,
    ],
    [
      'function_name not a string',
      () => post().send({ alerts: [{ status: 'firing', labels: { function_name: ['echo'] } }] }),
      400,
      /function_name/,
    ],
    [
      'larger than max_request_bytes',
      () =>
        post().send(
          webhook(Array.from({ length: 20 }, () => ['firing', 'echo'] as ['firing', string])),
        ),
      413,
      /Request body too large/,
    ],
  ];
  for (const [why, send, status, message] of cases) {
    const res = await send();
    assert.equal(res.status, status, `${why}: ${res.text}`);
    assert.match(res.body.message, message, why);
  }
  assert.equal(await h.replicas('echo'), 1, 'nothing was scaled');
});

test('hostile function names fail their own alert with INVALID_NAME reasons, bounded in length', async (t) => {
  const h = build(t);
  await h.deploy('echo', scaleLabels(1, 4, 50));
  const long = 'a'.repeat(300);
  const res = await h
    .alert(
      webhook([
        ['firing', '../x'],
        ['firing', 'a b'],
        ['firing', long],
        ['firing', 'echo'],
        ['firing', 'x\ny'],
      ]),
    )
    .expect(500);
  const lines = (res.body.message as string).split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0]!, /^\[0\] "\.\.\/x": function name must be lower-case/);
  assert.match(lines[1]!, /^\[1\] "a b": function name must be lower-case/);
  assert.match(lines[2]!, /^\[2\] "a{80}…": function name must be at most 63 characters, was 300$/);
  assert.match(lines[3]!, /^\[4\] "x\\ny": function name/);
  assert.equal(await h.replicas('echo'), 3, 'the valid alert in the same body was applied');
});

test('missing or wrong credentials: 401, nothing scaled', async (t) => {
  const h = build(t);
  await h.deploy('echo', scaleLabels(1, 4, 50));
  await request(h.app)
    .post('/system/alert')
    .send(webhook([['firing', 'echo']]))
    .expect(401)
    .expect('WWW-Authenticate', 'Basic realm="Restricted"');
  await request(h.app)
    .post('/system/alert')
    .auth(ADMIN.user, 'wrong')
    .send(webhook([['firing', 'echo']]))
    .expect(401);
  assert.equal(await h.replicas('echo'), 1);
});

test('other methods are 405', async (t) => {
  const h = build(t);
  const res = await request(h.app)
    .get('/system/alert')
    .auth(ADMIN.user, ADMIN.password)
    .expect(405);
  assert.equal(res.body.code, 'METHOD_NOT_ALLOWED');
});

test('scaling=builtin: alerts are refused with 409 ALERT_SCALING_OFF and change nothing', async (t) => {
  const h = build(t, { scaling: 'builtin' });
  await h.deploy('echo', scaleLabels(1, 4, 50));
  const res = await h.alert(webhook([['firing', 'echo']])).expect(409);
  assert.equal(res.body.code, 'ALERT_SCALING_OFF');
  assert.match(res.body.message, /scaling=builtin/);
  assert.equal(await h.replicas('echo'), 1);
  assert.ok(h.lines.some((l) => /alert received while scaling=builtin/.test(l)));
});

test('scaling=alert applies alerts', async (t) => {
  const h = build(t, { scaling: 'alert' });
  await h.deploy('echo', scaleLabels(1, 4, 50));
  await h.alert(webhook([['firing', 'echo']])).expect(200);
  assert.equal(await h.replicas('echo'), 3);
});
