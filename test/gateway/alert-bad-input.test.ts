/** POST /system/alert refuses bad bodies with the contract's messages and changes nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { ADMIN } from './app-harness.ts';
import { buildAlertApp as build, scaleLabels, webhook } from './alert-harness.ts';

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
    assert.equal(res.body.code, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_REQUEST', why);
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

test('an unknown function fails its alert (500 ALERTS_FAILED, CONTRACT §1.2), not the webhook', async (t) => {
  const h = build(t);
  const res = await h.alert(webhook([['firing', 'ghost']])).expect(500);
  assert.equal(res.body.code, 'ALERTS_FAILED');
  assert.match(res.body.message, /^\[0\] function ghost not found in openfaas-fn$/);
});
