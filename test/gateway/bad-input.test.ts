/** Every /system route refuses bad input with a 4xx and a message, and loses nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { ADMIN, buildApp } from './app-harness.ts';

type Method = 'get' | 'post' | 'put' | 'delete';
interface Case {
  readonly why: string;
  readonly method: Method;
  readonly path: string;
  readonly body?: string | object;
  readonly status: number;
  readonly message: RegExp;
}

const ok = { service: 'echo', image: 'img' };
const CASES: Case[] = [
  {
    why: 'malformed JSON',
    method: 'post',
    path: '/system/functions',
    body: '{"service":',
    status: 400,
    message: /Cannot parse request\. Please pass valid JSON\./,
  },
  {
    why: 'JSON that is not an object',
    method: 'post',
    path: '/system/functions',
    body: '[1,2]',
    status: 400,
    message: /must be a JSON object/,
  },
  {
    why: 'an empty body',
    method: 'post',
    path: '/system/functions',
    body: '',
    status: 400,
    message: /service: is required/,
  },
  {
    why: 'missing service and image',
    method: 'post',
    path: '/system/functions',
    body: {},
    status: 400,
    message: /service: is required; image: is required/,
  },
  {
    why: 'wrong field types',
    method: 'post',
    path: '/system/functions',
    body: {
      service: 'x',
      image: 7,
      envVars: { A: 1 },
      secrets: 'one',
      labels: [],
      readOnlyRootFilesystem: 'yes',
    },
    status: 400,
    message:
      /image: must be a string.*secrets: must be an array of strings.*envVars: must be an object of strings.*labels: must be an object of strings.*readOnlyRootFilesystem: must be true or false/,
  },
  {
    why: 'a traversal name',
    method: 'post',
    path: '/system/functions',
    body: { ...ok, service: '../x' },
    status: 400,
    message: /service: must be lower-case letters/,
  },
  {
    why: 'a name with a space',
    method: 'post',
    path: '/system/functions',
    body: { ...ok, service: 'a b' },
    status: 400,
    message: /service: must be lower-case/,
  },
  {
    why: 'an upper-case name',
    method: 'post',
    path: '/system/functions',
    body: { ...ok, service: 'Echo' },
    status: 400,
    message: /service: must be lower-case/,
  },
  {
    why: 'a 300-character name',
    method: 'post',
    path: '/system/functions',
    body: { ...ok, service: 'a'.repeat(300) },
    status: 400,
    message: /at most 63 characters, was 300/,
  },
  {
    why: 'another namespace',
    method: 'post',
    path: '/system/functions',
    body: { ...ok, namespace: 'prod' },
    status: 400,
    message: /namespace "prod" does not exist/,
  },
  {
    why: 'a duplicate deploy',
    method: 'post',
    path: '/system/functions',
    body: { service: 'existing', image: 'img' },
    status: 409,
    message: /already exists/,
  },
  {
    why: 'an unknown secret',
    method: 'post',
    path: '/system/functions',
    body: { ...ok, secrets: ['nope'] },
    status: 400,
    message: /secret not found: nope/,
  },
  {
    why: 'an oversize body',
    method: 'post',
    path: '/system/functions',
    body: { ...ok, envVars: { BIG: 'x'.repeat(3000) } },
    status: 413,
    message: /too large/,
  },
  {
    why: 'update of an unknown function',
    method: 'put',
    path: '/system/functions',
    body: { service: 'ghost', image: 'img' },
    status: 404,
    message: /ghost not found/,
  },
  {
    why: 'delete of an unknown function',
    method: 'delete',
    path: '/system/functions',
    body: { functionName: 'ghost' },
    status: 404,
    message: /^No such service found: ghost\.$/,
  },
  {
    why: 'delete without a name',
    method: 'delete',
    path: '/system/functions',
    body: { functionName: '' },
    status: 400,
    message: /functionName: is required/,
  },
  {
    why: 'get of an unknown function',
    method: 'get',
    path: '/system/function/ghost',
    status: 404,
    message: /ghost not found/,
  },
  {
    why: 'get of a hostile name',
    method: 'get',
    path: '/system/function/a%20b',
    status: 400,
    message: /function name "a b" must be lower-case/,
  },
  {
    why: 'scale of an unknown function',
    method: 'post',
    path: '/system/scale-function/ghost',
    body: { replicas: 1 },
    status: 404,
    message: /ghost not found/,
  },
  {
    why: 'negative replicas',
    method: 'post',
    path: '/system/scale-function/existing',
    body: { replicas: -1 },
    status: 400,
    message: /replicas: must be a whole number of 0 or more, was -1/,
  },
  {
    why: 'fractional replicas',
    method: 'post',
    path: '/system/scale-function/existing',
    body: { replicas: 1.5 },
    status: 400,
    message: /was 1.5/,
  },
  {
    why: 'replicas as a string',
    method: 'post',
    path: '/system/scale-function/existing',
    body: { replicas: '3' },
    status: 400,
    message: /was "3"/,
  },
  {
    why: 'a scale body naming another function',
    method: 'post',
    path: '/system/scale-function/existing',
    body: { serviceName: 'other', replicas: 1 },
    status: 400,
    message: /does not match the path/,
  },
  {
    why: 'a secret without a value',
    method: 'post',
    path: '/system/secrets',
    body: { name: 'k' },
    status: 400,
    message: /value: is required/,
  },
  {
    why: 'a secret with a hostile name',
    method: 'post',
    path: '/system/secrets',
    body: { name: '../../etc/passwd', value: 'x' },
    status: 400,
    message: /name: must be lower-case/,
  },
  {
    why: 'a secret with bad base64',
    method: 'post',
    path: '/system/secrets',
    body: { name: 'k', rawValue: '***' },
    status: 400,
    message: /rawValue: must be base64/,
  },
  {
    why: 'a wrong method on a known path',
    method: 'get',
    path: '/system/scale-function/existing',
    status: 405,
    message: /Method GET is not allowed/,
  },
  {
    why: 'a wrong method on info',
    method: 'post',
    path: '/system/info',
    body: {},
    status: 405,
    message: /not allowed/,
  },
];

test('bad input on /system/* is a 4xx with a message', async (t) => {
  const h = buildApp(t, { maxRequestBytes: 2048 });
  await request(h.app)
    .post('/system/functions')
    .auth(ADMIN.user, ADMIN.password)
    .send({ service: 'existing', image: 'img' })
    .expect(202);
  for (const c of CASES) {
    await t.test(c.why, async () => {
      let r = request(h.app)[c.method](c.path).auth(ADMIN.user, ADMIN.password);
      if (c.body !== undefined) {
        r = r
          .set('Content-Type', 'application/json')
          .send(typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
      }
      const res = await r;
      assert.equal(res.status, c.status, res.text);
      const body = res.body as { message?: string } | undefined;
      assert.match(body?.message ?? res.text, c.message);
    });
  }
  // Nothing was lost or half-made along the way.
  const list = await request(h.app).get('/system/functions').auth(ADMIN.user, ADMIN.password);
  assert.deepEqual(
    list.body.map((f: { name: string }) => f.name),
    ['existing'],
  );
});

test('unknown paths are 404; missing credentials are checked before the body', async (t) => {
  const h = buildApp(t);
  const res = await request(h.app).get('/nothing-here');
  assert.equal(res.status, 404);
  assert.equal(res.text, '404 page not found\n');
  const noAuth = await request(h.app)
    .post('/system/functions')
    .set('Content-Type', 'application/json')
    .send('{bad');
  assert.equal(noAuth.status, 401);
});

test('hostile deployments: NUL in env, broken or huge image names, too many replicas, odd charsets', async (t) => {
  const h = buildApp(t);
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  const post = (body: string, type = 'application/json') =>
    admin(request(h.app).post('/system/functions')).set('Content-Type', type).send(body);
  const cases: [string, string, number, RegExp][] = [
    [
      'NUL in an env value',
      JSON.stringify({ service: 'a', image: 'i', envVars: { A: 'x\u0000y' } }),
      400,
      /envVars: key "A" or its value is not allowed/,
    ],
    [
      '= in an env key',
      JSON.stringify({ service: 'a', image: 'i', envVars: { 'A=B': 'x' } }),
      400,
      /envVars: key "A=B"/,
    ],
    [
      'NUL in envProcess',
      JSON.stringify({ service: 'a', image: 'i', envProcess: 'cat\u0000' }),
      400,
      /envProcess: must not contain NUL/,
    ],
    [
      'a lone surrogate image',
      '{"service":"a","image":"\\ud800"}',
      400,
      /image: must be at most 255 characters/,
    ],
    [
      'a 300-character image',
      JSON.stringify({ service: 'a', image: 'i'.repeat(300) }),
      400,
      /image: must be at most 255/,
    ],
    [
      'scale.min beyond max_replicas',
      JSON.stringify({ service: 'a', image: 'i', labels: { 'com.openfaas.scale.min': '500' } }),
      400,
      /at most 20 replicas \(max_replicas\), was 500/,
    ],
  ];
  for (const [why, body, status, message] of cases) {
    const res = await post(body);
    assert.equal(res.status, status, why);
    assert.match((res.body as { message: string }).message, message, why);
  }
  const charset = await post('{}', 'application/json; charset=koi8-r');
  assert.equal(charset.status, 400, "an unsupported charset is the caller's error");
  await admin(request(h.app).post('/system/functions'))
    .send({ service: 'ok', image: 'i' })
    .expect(202);
  const many = await admin(request(h.app).post('/system/scale-function/ok')).send({
    replicas: 1e21,
  });
  assert.equal(many.status, 400);
  const since = await admin(request(h.app).get('/system/logs?name=ok&since=10'));
  assert.equal(since.status, 422);
});
