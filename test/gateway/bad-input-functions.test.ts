/** POST, PUT and DELETE /system/functions refuse bad input with a 4xx and a message, and lose nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { ADMIN } from './app-harness.ts';
import {
  HOSTILE_NAMES,
  NAME_PROBLEM,
  badInputApp,
  bodyCases,
  deployed,
  runCases,
} from './bad-input-harness.ts';
import type { Case, Method } from './bad-input-harness.ts';

const PATH = '/system/functions';

/** What deploy and update refuse alike; `service` is new for POST and exists for PUT. */
function deploymentCases(method: 'post' | 'put'): Case[] {
  const ok = { service: method === 'post' ? 'fresh' : 'existing', image: 'img' };
  const c = (why: string, body: unknown, status: number, message: RegExp): Case => ({
    why: `${method}: ${why}`,
    method,
    path: PATH,
    body,
    status,
    message,
  });
  return [
    ...bodyCases(method, PATH, 'a function deployment'),
    c('an empty body', '', 400, /^service: is required; image: is required$/),
    c('missing service and image', {}, 400, /^service: is required; image: is required$/),
    c(
      'wrong field types',
      {
        service: ok.service,
        image: 7,
        envProcess: ['cat'],
        envVars: { A: 1 },
        constraints: 'node.role==worker',
        secrets: 'one',
        labels: [],
        annotations: 'x',
        limits: { memory: 5 },
        readOnlyRootFilesystem: 'yes',
      },
      400,
      /image: must be a string.*envProcess: must be a string.*secrets: must be an array of strings.*envVars: must be an object of strings.*constraints: must be an array of strings.*labels: must be an object of strings.*annotations: must be an object of strings.*limits: must be an object of strings.*readOnlyRootFilesystem: must be true or false/,
    ),
    c('service as a number', { service: 5, image: 'img' }, 400, /service: must be a string/),
    ...HOSTILE_NAMES.map(([why, name]) => c(why, { ...ok, service: name }, 400, NAME_PROBLEM)),
    c('a hostile namespace', { ...ok, namespace: '../x' }, 400, /namespace: must be lower-case/),
    c('another namespace', { ...ok, namespace: 'prod' }, 400, /namespace "prod" does not exist/),
    c('a hostile secret name', { ...ok, secrets: ['../x'] }, 400, /secrets: "\.\.\/x"/),
    c('an unknown secret', { ...ok, secrets: ['nope'] }, 400, /secret not found: nope/),
  ];
}

const DELETE_CASES: Case[] = [
  ...bodyCases('delete', PATH, 'a delete request'),
  ...(
    [
      ['an empty body', '', /^a delete request must be a JSON object$/],
      ['no name', {}, /^functionName: is required$/],
      ['an empty name', { functionName: '' }, /^functionName: is required$/],
      ['a name that is a number', { functionName: 7 }, /^functionName: must be a string/],
      ['a namespace that is a list', { functionName: 'existing', namespace: [] }, /namespace/],
      ['another namespace', { functionName: 'existing', namespace: 'prod' }, /"prod" does not/],
      ...HOSTILE_NAMES.map(([why, name]) => [why, { functionName: name }, NAME_PROBLEM] as const),
    ] as const
  ).map(([why, body, message]) => ({
    why: `delete: ${why}`,
    method: 'delete' as Method,
    path: PATH,
    body,
    status: 400,
    message,
  })),
  {
    why: 'delete: an unknown function, in OpenFaaS words',
    method: 'delete',
    path: PATH,
    body: { functionName: 'ghost' },
    status: 404,
    message: /^No such service found: ghost\.$/,
  },
];

test('POST /system/functions: bad input is a 4xx with a message; a duplicate is 409', async (t) => {
  const h = await badInputApp(t);
  await runCases(t, h, [
    ...deploymentCases('post'),
    {
      why: 'post: a duplicate deploy',
      method: 'post',
      path: PATH,
      body: { service: 'existing', image: 'img' },
      status: 409,
      message: /already exists/,
    },
  ]);
  assert.deepEqual(await deployed(h), ['existing'], 'nothing was made along the way');
});

test('PUT /system/functions: bad input is a 4xx; an unknown function is 404', async (t) => {
  const h = await badInputApp(t);
  await runCases(t, h, [
    ...deploymentCases('put'),
    {
      why: 'put: an unknown function',
      method: 'put',
      path: PATH,
      body: { service: 'ghost', image: 'img' },
      status: 404,
      message: /ghost not found/,
    },
  ]);
  assert.deepEqual(await deployed(h), ['existing']);
  const fn = h.provider.functions.get('openfaas-fn/existing');
  assert.deepEqual(fn?.deployment.secrets, ['existing'], 'the deployment is unchanged');
});

test('DELETE /system/functions: bad input is a 4xx; an unknown function is 404', async (t) => {
  const h = await badInputApp(t);
  await runCases(t, h, DELETE_CASES);
  assert.deepEqual(await deployed(h), ['existing'], 'nothing was removed');
});

test('hostile deployments: NUL in env, broken or huge image names, too many replicas, odd charsets', async (t) => {
  const h = await badInputApp(t);
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  const post = (body: string, type = 'application/json') =>
    admin(request(h.app).post(PATH)).set('Content-Type', type).send(body);
  const cases: [string, unknown, RegExp][] = [
    ['NUL in an env value', { envVars: { A: 'x\u0000y' } }, /envVars: key "A" or its value/],
    ['= in an env key', { envVars: { 'A=B': 'x' } }, /envVars: key "A=B"/],
    ['NUL in envProcess', { envProcess: 'cat\u0000' }, /envProcess: must not contain NUL/],
    ['a 300-character image', { image: 'i'.repeat(300) }, /image: must be at most 255/],
    [
      'scale.min beyond max_replicas',
      { labels: { 'com.openfaas.scale.min': '500' } },
      /at most 20 replicas \(max_replicas\), was 500/,
    ],
  ];
  for (const [why, extra, message] of cases) {
    const res = await post(JSON.stringify({ service: 'a', image: 'i', ...(extra as object) }));
    assert.equal(res.status, 400, why);
    assert.match((res.body as { message: string }).message, message, why);
  }
  const surrogate = await post('{"service":"a","image":"\\ud800"}');
  assert.equal(surrogate.status, 400, 'a lone surrogate image');
  const charset = await post('{}', 'application/json; charset=koi8-r');
  assert.equal(charset.status, 400, "an unsupported charset is the caller's error");
  assert.deepEqual(await deployed(h), ['existing']);
});
