/** streaming mode: stdin and stdout piped straight through, nothing held in memory. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import { eventually, isRunning, script, spawnWatchdog, startWatchdog, tempDir } from './harness.ts';

const post = (url: string): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST' }, resolve);
    req.on('error', reject);
    req.end('');
  });

test('output reaches the client while the handler is still running', async (t) => {
  const dir = tempDir(t);
  const gate = join(dir, 'gate');
  // Prints, then waits for the test to open the gate, which it does only after reading "first".
  const handler = script(
    dir,
    'gated.sh',
    `#!/bin/sh\necho first\nwhile [ ! -e ${gate} ]; do sleep 0.05; done\necho second\n`,
  );
  const wd = await startWatchdog(t, { fprocess: handler, mode: 'streaming' });
  const res = await post(`${wd.url}/`);
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['x-duration-seconds']), /^\d+\.\d{6}$/);
  const chunks: string[] = [];
  for await (const chunk of res) {
    chunks.push(String(chunk));
    if (chunks.join('') === 'first\n') writeFileSync(gate, '');
  }
  assert.equal(chunks.join(''), 'first\nsecond\n');
  assert.ok(wd.logs.some((l) => /Wrote 13 Bytes - Duration: /.test(l)));
});

test('the request body streams into stdin; Http_* env is set', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat', mode: 'streaming' });
  const res = await request(wd.url)
    .post('/p?q=1')
    .set('Content-Type', 'text/plain')
    .send('streamed body');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'streamed body');
  assert.equal(res.headers['content-type'], 'text/plain');
  const env = await startWatchdog(t, { fprocess: 'env', mode: 'streaming' });
  const e = await request(env.url).post('/p?q=1').send('');
  assert.match(e.text, /^Http_Path=\/p$/m);
  assert.match(e.text, /^Http_Query=q=1$/m);
});

test('failures before output keep their classic statuses: 500, 408, 413', async (t) => {
  const dir = tempDir(t);
  const fail = script(dir, 'fail.sh', '#!/bin/sh\necho oops >&2\nexit 4\n');
  const a = await startWatchdog(t, { fprocess: fail, mode: 'streaming' });
  const r500 = await request(a.url).post('/').send('');
  assert.equal(r500.status, 500);
  assert.equal(r500.text, 'exit status 4\n');
  assert.ok(a.logs.some((l) => l.endsWith('stderr: oops')));

  const b = await startWatchdog(t, { fprocess: 'sleep 5', mode: 'streaming', exec_timeout: '0.3' });
  const r408 = await request(b.url).post('/').send('');
  assert.equal(r408.status, 408);
  assert.equal(r408.text, 'Killed process.\n');

  const c = await startWatchdog(t, { fprocess: 'cat', mode: 'streaming', max_request_bytes: '10' });
  assert.equal((await request(c.url).post('/').send('x'.repeat(11))).status, 413);
});

/** POSTs `first`, then `rest` once the response has begun or `restWhen` resolves, chunked. */
function chunkedPost(
  url: string,
  first: Buffer,
  rest: Buffer,
  restWhen: 'response' | Promise<unknown>,
): Promise<{ status: number; text: string; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/`, { method: 'POST' }, (res) => {
      let text = '';
      const done = (cut: boolean) => () => resolve({ status: res.statusCode!, text, cut });
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.once('end', done(false));
      res.once('error', done(true));
      if (restWhen === 'response') req.end(rest);
    });
    req.on('error', () => undefined); // a cut connection fails the request side too
    req.write(first);
    if (restWhen !== 'response') restWhen.then(() => req.end(rest), reject);
  });
}

test('a chunked body past max_request_bytes before any output: the handler is killed, 413', async (t) => {
  const dir = tempDir(t);
  const pidFile = join(dir, 'pid');
  // Reads all of stdin before answering: only a kill ends it, as stdin never reaches EOF.
  const h = script(dir, 'reads.sh', `#!/bin/sh\necho $$ > ${pidFile}\ncat >/dev/null\necho done\n`);
  const wd = await startWatchdog(t, { fprocess: h, mode: 'streaming', max_request_bytes: '100Ki' });
  // The rest only once the handler runs: the kill must find it running.
  const running = eventually(() => existsSync(pidFile));
  const under = Buffer.alloc(64 * 1024);
  const res = await chunkedPost(wd.url, under, Buffer.alloc(1024 * 1024), running);
  assert.equal(res.status, 413);
  assert.match(res.text, /the limit is 102400 bytes \(max_request_bytes\)/);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await eventually(() => !isRunning(pid));
});

test('a chunked body past max_request_bytes after output began: the connection is cut', async (t) => {
  const dir = tempDir(t);
  const h = script(dir, 'early.sh', '#!/bin/sh\necho started\ncat >/dev/null\necho done\n');
  const wd = await startWatchdog(t, { fprocess: h, mode: 'streaming', max_request_bytes: '100Ki' });
  const res = await chunkedPost(wd.url, Buffer.from('x'), Buffer.alloc(200 * 1024), 'response');
  assert.deepEqual(res, { status: 200, text: 'started\n', cut: true });
  await eventually(() =>
    wd.logs.some((l) => /Request body too large.*after output began: response cut short/.test(l)),
  );
});

test('a failure after output began cuts the response short instead of reporting success', async (t) => {
  const dir = tempDir(t);
  const half = script(dir, 'half.sh', '#!/bin/sh\necho partial\nsleep 0.2\nexit 2\n');
  const wd = await startWatchdog(t, { fprocess: half, mode: 'streaming' });
  const res = await post(`${wd.url}/`);
  assert.equal(res.statusCode, 200);
  await assert.rejects(async () => {
    for await (const chunk of res) void chunk;
  }, /aborted/);
});

/** POSTs `total` bytes in 64 KiB blocks as fast as the watchdog takes them; hashes both ways. */
function pipeThrough(url: string, total: number): Promise<{ bytes: number; same: boolean }> {
  const block = Buffer.alloc(64 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789\n');
  const sent = createHash('sha256');
  const received = createHash('sha256');
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/`, { method: 'POST' }, (res) => {
      res.on('data', (c: Buffer) => {
        received.update(c);
        bytes += c.length;
      });
      res.on('end', () => resolve({ bytes, same: received.digest('hex') === sent.digest('hex') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    let written = 0;
    const pump = (): void => {
      while (written < total) {
        written += block.length;
        sent.update(block);
        if (!req.write(block)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

test('200 MB streams through cat without the watchdog buffering it', async (t) => {
  // No max_request_bytes: streaming has no limit by default.
  const wd = await spawnWatchdog(t, { fprocess: 'cat', mode: 'streaming' });
  const peakKb = (): number =>
    Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${wd.child.pid}/status`, 'utf8'))![1]);
  await pipeThrough(wd.url, 1024 * 1024); // first-request costs (code, parser) are not the body's
  const before = peakKb();
  const total = 200 * 1024 * 1024;
  assert.deepEqual(await pipeThrough(wd.url, total), { bytes: total, same: true });
  // The watchdog's peak RSS grows by ~30 MB whatever the body size (V8 frees the chunks once
  // their off-heap total passes its limit), so the body is sized well past that: a watchdog
  // holding even a quarter of it fails.
  const grewMb = (peakKb() - before) / 1024;
  assert.ok(grewMb < 50, `peak RSS grew by ${grewMb.toFixed(1)} MB while 200 MB passed through`);
});
