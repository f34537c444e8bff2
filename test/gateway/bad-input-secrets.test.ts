/** /system/secrets (POST, PUT, DELETE, GET) refuses bad input with a 4xx and a JSON message. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HOSTILE_NAMES,
  NAME_PROBLEM,
  badInputApp,
  bodyCases,
  runCases,
} from './bad-input-harness.ts';
import type { Case, Method } from './bad-input-harness.ts';

const PATH = '/system/secrets';

const c = (method: Method, why: string, body: unknown, status: number, message: RegExp): Case => ({
  why: `${method}: ${why}`,
  method,
  path: PATH,
  body,
  status,
  message,
});

/** What create, update and remove refuse alike; `name` exists except for POST. */
function secretCases(method: 'post' | 'put' | 'delete'): Case[] {
  const name = method === 'post' ? 'fresh' : 'existing';
  return [
    ...bodyCases(method, PATH, 'a secret'),
    c(method, 'no name', { value: 'v' }, 400, /^name: is required$/),
    c(method, 'a name that is a number', { name: 7, value: 'v' }, 400, /^name: must be a string/),
    c(method, 'a value that is a number', { name, value: 7 }, 400, /^value: must be a string/),
    c(
      method,
      'a rawValue that is a list',
      { name, rawValue: [] },
      400,
      /^rawValue: must be a string/,
    ),
    c(
      method,
      'a rawValue that is not base64',
      { name, rawValue: '***' },
      400,
      /^rawValue: must be base64$/,
    ),
    c(
      method,
      'a namespace that is a number',
      { name, value: 'v', namespace: 1 },
      400,
      /namespace: must be a string/,
    ),
    c(
      method,
      'another namespace',
      { name, value: 'v', namespace: 'prod' },
      400,
      /"prod" does not exist/,
    ),
    ...HOSTILE_NAMES.map(([why, n]) => c(method, why, { name: n, value: 'v' }, 400, NAME_PROBLEM)),
    c(method, 'a path as a name', { name: '../../etc/passwd', value: 'v' }, 400, NAME_PROBLEM),
  ];
}

const CASES: Case[] = [
  ...secretCases('post'),
  c('post', 'no value', { name: 'fresh' }, 400, /^value: is required \(or rawValue\)$/),
  c('post', 'a secret that exists', { name: 'existing', value: 'v' }, 409, /already exists/),
  ...secretCases('put'),
  c('put', 'no value', { name: 'existing' }, 400, /^value: is required/),
  c('put', 'an unknown secret', { name: 'ghost', value: 'v' }, 404, /ghost not found/),
  ...secretCases('delete').filter((x) => !/value|rawValue/.test(x.why)),
  c('delete', 'an unknown secret', { name: 'ghost' }, 404, /ghost not found/),
  {
    why: 'get: another namespace',
    method: 'get',
    path: `${PATH}?namespace=prod`,
    status: 400,
    message: /"prod" does not exist/,
  },
  {
    why: 'get: the namespace given twice',
    method: 'get',
    path: `${PATH}?namespace=a&namespace=b`,
    status: 400,
    message: /does not exist/,
  },
];

test('/system/secrets: bad input is a 4xx; unknown is 404, existing 409; values are kept', async (t) => {
  const h = await badInputApp(t);
  await runCases(t, h, CASES);
  assert.deepEqual([...h.provider.secretValues.keys()], ['openfaas-fn/existing']);
  assert.equal(h.provider.secretValues.get('openfaas-fn/existing')?.toString(), 'v');
});
