/**
 * GET /system/function/{name}, POST /system/scale-function/{name}, GET /system/functions and
 * the routes without a body refuse bad input with a 4xx and a JSON message.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { ADMIN } from './app-harness.ts';
import {
  HOSTILE_NAMES,
  LIMIT,
  NAME_PROBLEM,
  badInputApp,
  bodyCases,
  runCases,
} from './bad-input-harness.ts';
import type { Case } from './bad-input-harness.ts';

const SCALE = '/system/scale-function';
const enc = encodeURIComponent;

/** Path names no route may accept, as a client would encode them. */
const HOSTILE_PATHS: readonly (readonly [string, string])[] = [
  ...HOSTILE_NAMES.map(([why, name]) => [why, enc(name)] as const),
  ['an encoded slash', '..%2Fx'],
];

const DESCRIBE_CASES: Case[] = [
  {
    why: 'get: an unknown function',
    method: 'get',
    path: '/system/function/ghost',
    status: 404,
    message: /ghost not found/,
  },
  ...HOSTILE_PATHS.map(([why, name]): Case => ({
    why: `get: ${why}`,
    method: 'get',
    path: `/system/function/${name}`,
    status: 400,
    message: NAME_PROBLEM,
  })),
  {
    why: 'get: a broken percent-encoding',
    method: 'get',
    path: '/system/function/%E0%A4%A',
    status: 400,
    message: /decode/i,
  },
  {
    why: 'get: another namespace',
    method: 'get',
    path: '/system/function/existing?namespace=prod',
    status: 400,
    message: /namespace "prod" does not exist/,
  },
  {
    why: 'get: the namespace given twice',
    method: 'get',
    path: '/system/function/existing?namespace=openfaas-fn&namespace=prod',
    status: 400,
    message: /namespace \["openfaas-fn","prod"\] does not exist/,
  },
  {
    why: 'get: a malformed JSON body',
    method: 'get',
    path: '/system/function/existing',
    body: '{',
    status: 400,
    message: /^Cannot parse request/,
  },
  {
    why: 'get: a body over max_request_bytes',
    method: 'get',
    path: '/system/function/existing',
    body: { pad: 'x'.repeat(LIMIT) },
    status: 413,
    message: /too large/,
  },
];

const scaleCase = (
  why: string,
  body: unknown,
  status: number,
  message: RegExp,
  name = 'existing',
): Case => ({
  why: `scale: ${why}`,
  method: 'post',
  path: `${SCALE}/${name}`,
  body,
  status,
  message,
});

const SCALE_CASES: Case[] = [
  ...bodyCases('post', `${SCALE}/existing`, 'a scale request'),
  scaleCase(
    'no replicas',
    {},
    400,
    /^replicas: must be a whole number of 0 or more, was undefined$/,
  ),
  scaleCase('negative replicas', { replicas: -1 }, 400, /was -1$/),
  scaleCase('fractional replicas', { replicas: 1.5 }, 400, /was 1\.5$/),
  scaleCase('replicas as a string', { replicas: '3' }, 400, /was "3"$/),
  scaleCase('replicas as null', { replicas: null }, 400, /was null$/),
  scaleCase('replicas beyond max_replicas', { replicas: 1e21 }, 400, /max_replicas/),
  scaleCase(
    'serviceName as a number',
    { serviceName: 7, replicas: 1 },
    400,
    /serviceName: must be a string/,
  ),
  scaleCase(
    'a body naming another function',
    { serviceName: 'other', replicas: 1 },
    400,
    /does not match the path/,
  ),
  scaleCase('a hostile serviceName', { serviceName: '../x', replicas: 1 }, 400, /does not match/),
  scaleCase(
    'a namespace that is a number',
    { replicas: 1, namespace: 3 },
    400,
    /namespace: must be a string/,
  ),
  scaleCase('another namespace', { replicas: 1, namespace: 'prod' }, 400, /"prod" does not exist/),
  scaleCase('an unknown function', { replicas: 1 }, 404, /ghost not found/, 'ghost'),
  ...HOSTILE_PATHS.map(([why, name]) => scaleCase(why, { replicas: 1 }, 400, NAME_PROBLEM, name)),
  {
    why: 'scale: another namespace in the query',
    method: 'post',
    path: `${SCALE}/existing?namespace=prod`,
    body: { replicas: 1 },
    status: 400,
    message: /"prod" does not exist/,
  },
];

const OTHER_CASES: Case[] = [
  {
    why: 'list: another namespace',
    method: 'get',
    path: '/system/functions?namespace=prod',
    status: 400,
    message: /namespace "prod" does not exist/,
  },
  {
    why: 'list: a hostile namespace',
    method: 'get',
    path: `/system/functions?namespace=${enc('../x')}`,
    status: 400,
    message: /does not exist/,
  },
  {
    why: 'a wrong method on a known path',
    method: 'get',
    path: `${SCALE}/existing`,
    status: 405,
    message: /^Method GET is not allowed/,
  },
  {
    why: 'a wrong method on info',
    method: 'post',
    path: '/system/info',
    body: {},
    status: 405,
    message: /not allowed/,
  },
  {
    why: 'a wrong method on describe',
    method: 'delete',
    path: '/system/function/existing',
    status: 405,
    message: /not allowed/,
  },
];

test('GET /system/function/{name}: 404 unknown, 400 hostile names and namespaces', async (t) => {
  const h = await badInputApp(t);
  await runCases(t, h, DESCRIBE_CASES);
});

test('POST /system/scale-function/{name}: bad bodies and names are 4xx; nothing is scaled', async (t) => {
  const h = await badInputApp(t);
  await runCases(t, h, SCALE_CASES);
  assert.equal(h.provider.functions.get('openfaas-fn/existing')?.replicas, 1);
});

test('GET /system/functions and wrong methods: 4xx with a JSON message', async (t) => {
  const h = await badInputApp(t);
  await runCases(t, h, OTHER_CASES);
});

test('unknown paths are a plain 404, as OpenFaaS answers them', async (t) => {
  const h = await badInputApp(t);
  for (const path of ['/nothing-here', '/system/nothing', '/system/function/', '/system']) {
    const res = await request(h.app).get(path).auth(ADMIN.user, ADMIN.password);
    assert.equal(res.status, 404, path);
    assert.equal(res.text, '404 page not found\n', path);
  }
});
