/** max_request_bytes=0 means no limit on /system/* as on /function/* (docs/config.md). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { ADMIN, buildApp, upstream } from './app-harness.ts';

const BIG = 'x'.repeat(200 * 1024);

test('max_request_bytes=0: large bodies are accepted on /system/* and /function/*', async (t) => {
  const h = buildApp(t, { maxRequestBytes: 0 });
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  await admin(request(h.app).post('/system/secrets')).send({ name: 'big', value: BIG }).expect(201);
  assert.equal(h.provider.secretValues.get('openfaas-fn/big')?.length, BIG.length);
  await admin(request(h.app).post('/system/functions'))
    .send({ service: 'echo', image: 'img', envVars: { BIG } })
    .expect(202);
  const fn = await admin(request(h.app).get('/system/function/echo')).expect(200);
  assert.equal(fn.body.envVars.BIG.length, BIG.length);
  await admin(request(h.app).post('/system/scale-function/echo'))
    .send({ replicas: 1, pad: BIG })
    .expect(202);

  let received = 0;
  const up = await upstream(t, (req, res) => {
    req.on('data', (c: Buffer) => (received += c.length));
    req.on('end', () => res.end('ok'));
  });
  h.provider.endpoints.set('echo', up.url);
  await request(h.app).post('/function/echo').send(BIG).expect(200, 'ok');
  assert.equal(received, BIG.length);
});

test('a limit applies to both: 413 with the limit named', async (t) => {
  const h = buildApp(t, { maxRequestBytes: 1024 });
  const res = await request(h.app)
    .post('/system/secrets')
    .auth(ADMIN.user, ADMIN.password)
    .send({ name: 'big', value: BIG });
  assert.equal(res.status, 413);
  assert.match(res.body.message, /the limit is 1024 bytes/);
  const fn = await request(h.app).post('/function/ghost').send(BIG);
  assert.equal(fn.status, 413);
});
