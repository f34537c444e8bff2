/**
 * GET /system/logs refuses a malformed query with 422 `could not parse the log request`
 * (CONTRACT §1.2), an unknown function with 404, and bad bodies like every /system route.
 */
import { test } from 'node:test';
import { HOSTILE_NAMES, LIMIT, badInputApp, runCases } from './bad-input-harness.ts';
import type { Case } from './bad-input-harness.ts';

const enc = encodeURIComponent;
const PARSE = /^could not parse the log request: /;

const q = (why: string, query: string, status = 422, message = PARSE): Case => ({
  why,
  method: 'get',
  path: `/system/logs?${query}`,
  status,
  message,
});

const CASES: Case[] = [
  q('no name', ''),
  q('an empty name', 'name='),
  q('the name given twice', 'name=existing&name=other', 422, /name \["existing","other"\] is not/),
  ...HOSTILE_NAMES.map(([why, name]) => q(why, `name=${enc(name)}`)),
  q('tail that is not a number', 'name=existing&tail=abc', 422, /tail "abc" is not a whole number/),
  q('tail that is a fraction', 'name=existing&tail=1.5', 422, /tail "1.5"/),
  q('tail given twice', 'name=existing&tail=1&tail=2', 422, /tail \["1","2"\]/),
  q('since that is not a time', 'name=existing&since=yesterday', 422, /since "yesterday"/),
  q('since as bare seconds', 'name=existing&since=10', 422, /since "10"/),
  q('since that is not a real date', 'name=existing&since=2024-13-45T99:99:99Z', 422, /since/),
  q('follow that is not a boolean', 'name=existing&follow=maybe', 422, /follow "maybe"/),
  q('another namespace', 'name=existing&namespace=prod', 400, /namespace "prod" does not exist/),
  q('an unknown function', 'name=ghost', 404, /ghost not found/),
  {
    why: 'a malformed JSON body',
    method: 'get',
    path: '/system/logs?name=existing',
    body: '{',
    status: 400,
    message: /^Cannot parse request/,
  },
  {
    why: 'a body over max_request_bytes',
    method: 'get',
    path: '/system/logs?name=existing',
    body: { pad: 'x'.repeat(LIMIT) },
    status: 413,
    message: /too large/,
  },
  {
    why: 'a wrong method',
    method: 'post',
    path: '/system/logs?name=existing',
    body: {},
    status: 405,
    message: /not allowed/,
  },
];

test('/system/logs: 422 for a malformed query, 404 for an unknown function', async (t) => {
  const h = await badInputApp(t);
  await runCases(t, h, CASES);
});
