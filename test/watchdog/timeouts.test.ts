/** read_timeout and write_timeout: what each cuts, and 0 = no limit (Go's http.Server). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import { eventually, isRunning, script, startWatchdog, tempDir } from './harness.ts';

/** POSTs `first`, then `rest` after `gapMs`; resolves with the status and body. */
const slowBody = (url: string, first: string, gapMs: number, rest: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const length = Buffer.byteLength(first + rest);
    const req = httpRequest(
      `${url}/`,
      { method: 'POST', headers: { 'Content-Length': String(length) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.write(first);
    setTimeout(() => req.end(rest), gapMs);
  });

test('write_timeout cuts a response that takes too long and kills the handler', async (t) => {
  const dir = tempDir(t);
  const pidFile = join(dir, 'pid');
  const slow = script(dir, 'slow.sh', `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 30\n`);
  const wd = await startWatchdog(t, { fprocess: slow, write_timeout: '0.5' });
  await assert.rejects(request(wd.url).post('/').send(''), /socket hang up|ECONNRESET/);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await eventually(() => !isRunning(pid));
  assert.ok(wd.logs.some((l) => l.includes('write_timeout of 0.5s reached')));
});

test('read_timeout: a client that never finishes its body gets 408 from the server', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat', read_timeout: '0.3' });
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      `${wd.url}/`,
      { method: 'POST', headers: { 'Content-Length': '100' } },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    );
    req.on('error', reject);
    req.write('only a little');
  });
  assert.equal(status, 408);
});

test('write_timeout=0: a slow response is not cut', async (t) => {
  const dir = tempDir(t);
  const slow = script(dir, 'slow.sh', '#!/bin/sh\nsleep 0.4\ncat\n');
  const wd = await startWatchdog(t, { fprocess: slow, write_timeout: '0' });
  await request(wd.url).post('/').send('finished').expect(200, 'finished');
  assert.ok(!wd.logs.some((l) => l.includes('Response cut')), wd.logs.join('\n'));
});

test('read_timeout=0: a body that arrives slowly is not cut', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat', read_timeout: '0' });
  // Past Node's 1 s check, which is where a read limit would bite.
  assert.deepEqual(await slowBody(wd.url, 'slow ', 1200, 'body'), {
    status: 200,
    text: 'slow body',
  });
});
