/**
 * How long the gateway waits for a function (docs/config.md, "Timeouts"): the timeout label,
 * else the watchdog's own write_timeout/exec_timeout from the image's env and envVars, plus a
 * second, never past upstream_timeout.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { functionTimeoutMs } from '../../gateway/invoke/timeout.ts';
import { ADMIN, buildApp, upstream } from './app-harness.ts';

const UPSTREAM = 60_000;

test('functionTimeoutMs: label, then envVars over image env, write_timeout over exec_timeout', () => {
  const cases: [string, Parameters<typeof functionTimeoutMs>[0], number][] = [
    ['nothing set: upstream_timeout', { labels: {} }, UPSTREAM],
    ['the label', { labels: { 'com.openfaas.timeout': '20s' } }, 20_000],
    ['the label, capped', { labels: { 'com.openfaas.timeout': '2m' } }, UPSTREAM],
    [
      'the label over env',
      { labels: { 'com.openfaas.timeout': '5' }, envVars: { write_timeout: '30' } },
      5000,
    ],
    ['envVars write_timeout + 1s', { labels: {}, envVars: { write_timeout: '10s' } }, 11_000],
    ['image write_timeout + 1s', { labels: {}, imageEnv: { write_timeout: '10s' } }, 11_000],
    ['image exec_timeout + 1s', { labels: {}, imageEnv: { exec_timeout: '1m' } }, UPSTREAM],
    ['image exec_timeout 20s', { labels: {}, imageEnv: { exec_timeout: '20' } }, 21_000],
    [
      'envVars override the image',
      { labels: {}, envVars: { write_timeout: '5' }, imageEnv: { write_timeout: '30' } },
      6000,
    ],
    [
      "the image's write_timeout over the deployment's exec_timeout, as the watchdog reads them",
      { labels: {}, envVars: { exec_timeout: '5' }, imageEnv: { write_timeout: '30' } },
      31_000,
    ],
    ['unparsable env is ignored', { labels: {}, imageEnv: { write_timeout: 'soon' } }, UPSTREAM],
  ];
  for (const [why, fn, want] of cases) assert.equal(functionTimeoutMs(fn, UPSTREAM), want, why);
});

test('a per-function timeout label is enforced by the gateway', async (t) => {
  const h = buildApp(t, { upstreamTimeoutMs: 5000 });
  await request(h.app)
    .post('/system/functions')
    .auth(ADMIN.user, ADMIN.password)
    .send({ service: 'quick', image: 'img', labels: { 'com.openfaas.timeout': '200ms' } })
    .expect(202);
  h.provider.endpoints.set('quick', (await upstream(t, () => undefined)).url);
  const res = await request(h.app).get('/function/quick');
  assert.equal(res.status, 504);
  assert.match(res.text, /within 0.2s/);
});

test("the image's own exec_timeout bounds the wait; the image env never reaches the wire", async (t) => {
  const h = buildApp(t, { upstreamTimeoutMs: 5000 });
  h.provider.imageEnv.set('img:short', { exec_timeout: '200ms' });
  await request(h.app)
    .post('/system/functions')
    .auth(ADMIN.user, ADMIN.password)
    .send({ service: 'short', image: 'img:short' })
    .expect(202);
  h.provider.endpoints.set('short', (await upstream(t, () => undefined)).url);
  const started = performance.now();
  const res = await request(h.app).post('/function/short').send('');
  assert.equal(res.status, 504);
  assert.match(res.text, /did not answer within 1.2s/, '200ms plus the watchdog grace');
  assert.ok(performance.now() - started < 4000, 'well before upstream_timeout (5s)');
  const fn = await request(h.app)
    .get('/system/function/short')
    .auth(ADMIN.user, ADMIN.password)
    .expect(200);
  assert.equal('imageEnv' in fn.body, false);
  const list = await request(h.app).get('/system/functions').auth(ADMIN.user, ADMIN.password);
  assert.equal('imageEnv' in list.body[0], false);
});
