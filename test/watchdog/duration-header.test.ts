/** X-Duration-Seconds is on every response the watchdog gives, errors and limits included. */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import request from 'supertest';
import type { Runner } from '../../watchdog/runners/runner.ts';
import { startWatchdog } from './harness.ts';

const DURATION = /^\d+\.\d{6}$/;

/** POSTs a chunked body (no Content-Length, so only reading it finds it too large). */
const chunked = (url: string, parts: string[]) =>
  new Promise<{ status: number; headers: IncomingHttpHeaders }>((resolve, reject) => {
    const req = httpRequest(`${url}/`, { method: 'POST' }, (res) => {
      res.resume();
      resolve({ status: res.statusCode!, headers: res.headers });
    });
    req.on('error', reject);
    for (const p of parts) req.write(p);
    req.end();
  });

for (const mode of ['fork', 'prefork'] as const) {
  test(`${mode}: the 413 for an oversize chunked body carries X-Duration-Seconds`, async (t) => {
    const wd = await startWatchdog(t, { fprocess: 'cat', mode, max_request_bytes: '1Ki' });
    const res = await chunked(wd.url, ['y'.repeat(800), 'y'.repeat(800)]);
    assert.equal(res.status, 413);
    assert.match(String(res.headers['x-duration-seconds']), DURATION);
  });
}

test('the 500 for an internal watchdog error carries X-Duration-Seconds', async (t) => {
  const broken: Runner = {
    run: () => Promise.reject(new Error('runner bug')),
    ready: () => true,
    close: async () => undefined,
  };
  const wd = await startWatchdog(t, { fprocess: 'cat' }, process.env, () => broken);
  const res = await request(wd.url).post('/').send('x');
  assert.equal(res.status, 500);
  assert.equal(res.text, 'Internal watchdog error\n');
  assert.match(res.headers['x-duration-seconds']!, DURATION);
  assert.ok(wd.logs.some((l) => l.includes('Error: Error: runner bug')));
});

test('refusals and health answers carry X-Duration-Seconds too', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat', max_request_bytes: '4' });
  const answers = [
    await request(wd.url).options('/'), // 405
    await request(wd.url).post('/').send('too long'), // 413 by Content-Length
    await request(wd.url).get('/_/health'), // 200
    await request(wd.url).post('/_/health').send(''), // 405
  ];
  assert.deepEqual(
    answers.map((r) => r.status),
    [405, 413, 200, 405],
  );
  for (const r of answers) assert.match(r.headers['x-duration-seconds']!, DURATION, `${r.status}`);
});
