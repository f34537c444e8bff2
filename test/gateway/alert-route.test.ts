/**
 * POST /system/alert through the whole app (supertest): firing and resolved alerts change
 * replicas through the Scaler, each alert on its own; credentials, methods and scaling modes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { ADMIN } from './app-harness.ts';
import { NS, buildAlertApp as build, scaleLabels, webhook } from './alert-harness.ts';

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

test('a scale request goes through the Scaler: logged, and remembered as the last change', async (t) => {
  const h = build(t);
  await h.deploy('echo', scaleLabels(1, 4, 50));
  await request(h.app)
    .post('/system/scale-function/echo')
    .auth(ADMIN.user, ADMIN.password)
    .send({ serviceName: 'echo', replicas: 0 })
    .expect(202);
  assert.equal(await h.replicas('echo'), 0);
  assert.equal(h.scaler.lastChange('echo', NS)?.source, 'api');
  assert.ok(h.lines.includes('scale echo: 1 → 0 (api: scale request)'), h.lines.join('\n'));
  await request(h.app)
    .delete('/system/functions')
    .auth(ADMIN.user, ADMIN.password)
    .send({ functionName: 'echo' })
    .expect(202);
  assert.equal(h.scaler.lastChange('echo', NS), undefined, 'a deleted function leaves no history');
});
