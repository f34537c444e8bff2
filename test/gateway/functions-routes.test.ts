/** /system/functions and friends through createApp, with a fake provider. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { ADMIN, buildApp } from './app-harness.ts';

const deployment = {
  service: 'echo',
  image: 'docker.io/functions/alpine:latest',
  envProcess: 'cat',
  labels: { 'com.openfaas.scale.min': '2' },
};

test('deploy, list, get, update, scale and delete speak the OpenFaaS wire format', async (t) => {
  const { app } = buildApp(t);
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  await admin(request(app).post('/system/functions')).send(deployment).expect(202);

  const list = await admin(request(app).get('/system/functions')).expect(200);
  assert.equal(list.body.length, 1);
  const fn = list.body[0];
  assert.equal(fn.name, 'echo');
  assert.equal(fn.image, 'docker.io/functions/alpine:latest', 'image byte-for-byte');
  assert.equal(fn.namespace, 'openfaas-fn');
  assert.deepEqual(fn.labels, { 'com.openfaas.scale.min': '2', faas_function: 'echo' });
  assert.deepEqual(fn.annotations, {});
  assert.deepEqual(fn.secrets, []);
  assert.deepEqual(fn.constraints, []);
  assert.equal(fn.readOnlyRootFilesystem, false);
  assert.equal(fn.envProcess, 'cat');
  for (const unset of ['envVars', 'limits', 'requests', 'imageEnv'])
    assert.equal(unset in fn, false, `${unset} omitted when unset`);
  assert.equal(fn.replicas, 2);
  assert.equal(fn.availableReplicas, 2);
  assert.equal(fn.invocationCount, 0);
  assert.match(fn.createdAt, /^\d{4}-\d{2}-\d{2}T/);

  const one = await admin(
    request(app).get('/system/function/echo?namespace=openfaas-fn&usage=1'),
  ).expect(200);
  assert.equal(one.body.name, 'echo');

  await admin(request(app).put('/system/functions'))
    .send({
      ...deployment,
      envVars: { A: '1' },
      limits: { memory: '5Mi', cpu: '100m' },
      requests: {},
      secrets: [],
      constraints: ['node.platform.os == linux'],
      readOnlyRootFilesystem: true,
    })
    .expect(202);
  const updated = await admin(request(app).get('/system/function/echo')).expect(200);
  assert.deepEqual(updated.body.envVars, { A: '1' });
  assert.deepEqual(updated.body.limits, { memory: '5Mi', cpu: '100m' });
  assert.equal('requests' in updated.body, false, 'an empty requests object is omitted');
  assert.deepEqual(updated.body.constraints, ['node.platform.os == linux']);
  assert.equal(updated.body.readOnlyRootFilesystem, true);

  await admin(request(app).post('/system/scale-function/echo'))
    .send({ serviceName: 'echo', replicas: 0, namespace: 'openfaas-fn' })
    .expect(202);
  assert.equal((await admin(request(app).get('/system/function/echo'))).body.replicas, 0);

  await admin(request(app).delete('/system/functions')).send({ functionName: 'echo' }).expect(202);
  assert.deepEqual((await admin(request(app).get('/system/functions'))).body, []);
  const again = await admin(request(app).delete('/system/functions')).send({
    functionName: 'echo',
  });
  assert.equal(again.status, 404);
  assert.equal(again.body.message, 'No such service found: echo.');
});

test('secrets in use are listed on the function', async (t) => {
  const { app } = buildApp(t);
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  await admin(request(app).post('/system/secrets')).send({ name: 'key', value: 'v' }).expect(201);
  await admin(request(app).post('/system/functions'))
    .send({ ...deployment, secrets: ['key'] })
    .expect(202);
  const fn = await admin(request(app).get('/system/function/echo')).expect(200);
  assert.deepEqual(fn.body.secrets, ['key']);
});

test('namespaces and info', async (t) => {
  const { app } = buildApp(t);
  const ns = await request(app)
    .get('/system/namespaces')
    .auth(ADMIN.user, ADMIN.password)
    .expect(200);
  assert.deepEqual(ns.body, ['openfaas-fn']);
  const info = await request(app).get('/system/info').auth(ADMIN.user, ADMIN.password).expect(200);
  assert.equal(info.body.provider.provider, 'fake');
  assert.equal(info.body.version.release, 'test');
  assert.ok(info.body.arch);
  // One namespace, not managed: faas-provider's answer when MutateNamespace is absent.
  for (const method of ['get', 'post', 'put', 'delete'] as const) {
    for (const path of [
      '/system/namespace/openfaas-fn',
      '/system/namespace/other',
      '/system/namespace/',
    ]) {
      const res = await request(app)[method](path).auth(ADMIN.user, ADMIN.password).send({});
      assert.equal(res.status, 501, `${method} ${path}`);
      assert.equal(res.body.code, 'NOT_SUPPORTED');
      assert.match(res.body.message, /^Feature not implemented: /);
    }
  }
});

test('/system/* needs the admin credentials; /healthz and /metrics stay open', async (t) => {
  const { app } = buildApp(t);
  for (const auth of [undefined, ['admin', 'wrong'], ['root', ADMIN.password]] as const) {
    const r = request(app).get('/system/functions');
    const res = await (auth ? r.auth(auth[0], auth[1]) : r);
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Basic realm="Restricted"');
    assert.equal(res.text, 'invalid credentials\n');
  }
  await request(app).get('/healthz').expect(200);
  const metrics = await request(app).get('/metrics').expect(200);
  assert.match(metrics.text, /# TYPE gateway_function_invocation_total counter/);
});

test('secrets: created, listed without values, updated, removed', async (t) => {
  const { app, provider } = buildApp(t);
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  await admin(request(app).post('/system/secrets'))
    .send({ name: 'api-key', value: 'v1' })
    .expect(201);
  await admin(request(app).post('/system/secrets'))
    .send({ name: 'raw', rawValue: Buffer.from([0, 1, 2]).toString('base64'), value: 'ignored' })
    .expect(201);
  assert.deepEqual(provider.secretValues.get('openfaas-fn/raw'), Buffer.from([0, 1, 2]));
  const list = await admin(request(app).get('/system/secrets')).expect(200);
  assert.deepEqual(list.body, [
    { name: 'api-key', namespace: 'openfaas-fn' },
    { name: 'raw', namespace: 'openfaas-fn' },
  ]);
  assert.doesNotMatch(list.text, /v1/);
  await admin(request(app).post('/system/secrets'))
    .send({ name: 'api-key', value: 'x' })
    .expect(409);
  await admin(request(app).put('/system/secrets'))
    .send({ name: 'api-key', value: 'v2' })
    .expect(202);
  assert.equal(provider.secretValues.get('openfaas-fn/api-key')?.toString(), 'v2');
  await admin(request(app).put('/system/secrets')).send({ name: 'nope', value: 'v2' }).expect(404);
  await admin(request(app).delete('/system/secrets')).send({ name: 'api-key' }).expect(202);
  await admin(request(app).delete('/system/secrets')).send({ name: 'api-key' }).expect(404);
});

test('logs: NDJSON lines, tail, and 422 for a malformed request', async (t) => {
  const { app, provider } = buildApp(t);
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  await admin(request(app).post('/system/functions')).send(deployment).expect(202);
  for (const text of ['one', 'two', 'three']) {
    provider.logLines.push({
      name: 'echo',
      namespace: 'openfaas-fn',
      instance: 'r1',
      timestamp: new Date().toISOString(),
      text,
    });
  }
  const res = await admin(request(app).get('/system/logs?name=echo&tail=2')).expect(200);
  assert.match(res.headers['content-type']!, /application\/x-ndjson/);
  const lines = res.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { text: string; name: string });
  assert.deepEqual(
    lines.map((l) => l.text),
    ['two', 'three'],
  );
  assert.ok(lines.every((l) => l.name === 'echo'));
  for (const q of [
    'name=echo&tail=abc',
    'name=echo&since=yesterday',
    'name=echo&follow=maybe',
    'name=../x',
  ]) {
    const bad = await admin(request(app).get(`/system/logs?${q}`));
    assert.equal(bad.status, 422, q);
    assert.match(bad.body.message, /could not parse the log request/);
  }
  await admin(request(app).get('/system/logs?name=ghost')).expect(404);
});

test('/healthz is 503 while the provider does not answer, 200 again when it does', async (t) => {
  const { app, provider } = buildApp(t);
  provider.up = false;
  const down = await request(app).get('/healthz');
  assert.equal(down.status, 503);
  assert.match(down.text, /the provider does not answer/);
  provider.up = true;
  await request(app).get('/healthz').expect(200, 'OK');
});
