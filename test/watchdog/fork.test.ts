/**
 * fork mode (the classic watchdog) end to end, with real handler processes: cat, env, sh, sleep
 * and a Node handler.
 */
import assert from 'node:assert/strict';
import { readFileSync, existsSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import { eventually, isRunning, script, startWatchdog, tempDir } from './harness.ts';

const GO_LOG = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;

test('cat: the body comes back with 200, X-Duration-Seconds and classic log lines', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat' });
  const res = await request(wd.url).post('/').set('Content-Type', 'text/plain').send('hello world');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'hello world');
  assert.match(res.headers['x-duration-seconds']!, /^\d+\.\d{6}$/);
  assert.ok(wd.logs.some((l) => GO_LOG.test(l) && l.endsWith('Forking fprocess.')));
  assert.ok(
    wd.logs.some((l) => GO_LOG.test(l) && /Wrote 11 Bytes - Duration: \d+\.\d{6}s$/.test(l)),
  );
});

test('logs without a prefix when prefix_logs=false', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat', prefix_logs: 'false' });
  await request(wd.url).post('/').send('x').expect(200);
  assert.ok(wd.logs.includes('Forking fprocess.'));
});

test('every method the classic watchdog accepts is served; others get 405', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat' });
  for (const m of ['get', 'post', 'put', 'patch', 'delete'] as const) {
    await request(wd.url)[m]('/any/sub/path').expect(200);
  }
  const res = await request(wd.url).options('/');
  assert.equal(res.status, 405);
  assert.match(res.text, /Method OPTIONS is not allowed/);
});

test('Content-Type: content_type wins, else the request one, else sniffed', async (t) => {
  const forced = await startWatchdog(t, { fprocess: 'cat', content_type: 'application/json' });
  const a = await request(forced.url).post('/').set('Content-Type', 'text/plain').send('{}');
  assert.equal(a.headers['content-type'], 'application/json');

  const wd = await startWatchdog(t, { fprocess: 'cat' });
  const b = await request(wd.url).post('/').set('Content-Type', 'application/xml').send('<a/>');
  assert.equal(b.headers['content-type'], 'application/xml');
  const c = await request(wd.url).get('/');
  assert.equal(c.headers['content-type'], 'text/plain; charset=utf-8');
  const dir = tempDir(t);
  const html = script(dir, 'html.sh', '#!/bin/sh\necho "<!DOCTYPE html><p>hi</p>"\n');
  const h = await startWatchdog(t, { fprocess: html });
  assert.equal((await request(h.url).get('/')).headers['content-type'], 'text/html; charset=utf-8');
});

test('env: Http_* variables from the request, first value of each header', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'env' });
  const res = await request(wd.url)
    .post('/a/b%20c?x=1&y=2')
    .set('X-Call-Id', 'abc')
    .set('X-Multi', 'one, two')
    .set('Content-Type', 'text/plain')
    .send('hi');
  const env = Object.fromEntries(
    res.text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  assert.equal(env.Http_X_Call_Id, 'abc');
  // One line holding a list is one value, as Go keeps it (repeated lines: the chunked test).
  assert.equal(env.Http_X_Multi, 'one, two');
  assert.equal(env.Http_Method, 'POST');
  assert.equal(env.Http_Path, '/a/b c');
  assert.equal(env.Http_Query, 'x=1&y=2');
  assert.equal(env.Http_Content_Type, 'text/plain');
  assert.equal(env.Http_Content_Length, '2');
  assert.equal(env.Http_ContentLength, '2');
  assert.match(env.Http_Host!, /^127\.0\.0\.1:\d+$/);
  assert.equal(env.Http_Transfer_Encoding, undefined);
  assert.equal(env.FAAS_REQUEST_FD, undefined, 'fd 3 and fd 4 are prefork only');
  assert.equal(env.FAAS_RESPONSE_FD, undefined);
  assert.ok(env.PATH, 'the watchdog environment is inherited');
});

test('env: chunked bodies report -1 and Transfer-Encoding; duplicate headers keep the first', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'env' });
  const text = await new Promise<string>((resolve, reject) => {
    const req = httpRequest(
      `${wd.url}/`,
      { method: 'POST', headers: { 'X-Dup': ['first', 'second'] } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
    req.write('part1');
    req.end('part2');
  });
  assert.match(text, /^Http_Content_Length=-1$/m);
  assert.match(text, /^Http_Transfer_Encoding=chunked$/m);
  assert.match(text, /^Http_X_Dup=first$/m);
});

test('env: Http_Host is set even when the request has no Host header', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'env' });
  // Node's client always sends Host; HTTP/1.0 without one needs a raw socket.
  const socket = connect(Number(new URL(wd.url).port), '127.0.0.1');
  socket.write('GET / HTTP/1.0\r\n\r\n'); // the server closes after its answer
  let raw = '';
  for await (const chunk of socket) raw += String(chunk);
  assert.match(raw, /^HTTP\/1\.1 200 /);
  assert.match(raw, /^Http_Host=$/m);
});

test('cgi_headers=false: the handler only inherits the watchdog environment', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'env', cgi_headers: 'false' });
  const res = await request(wd.url).post('/').set('X-Call-Id', 'abc').send('');
  assert.doesNotMatch(res.text, /Http_/);
});

test('a non-zero exit is a 500 with "exit status N" and the output', async (t) => {
  const dir = tempDir(t);
  const fail = script(dir, 'fail.sh', '#!/bin/sh\necho partial output\nexit 3\n');
  const wd = await startWatchdog(t, { fprocess: fail });
  const res = await request(wd.url).post('/').send('x');
  assert.equal(res.status, 500);
  assert.equal(res.text, 'exit status 3\npartial output\n');
  assert.ok(res.headers['x-duration-seconds']);
});

test('a handler that is not found is a 500 with the exec error, and the watchdog stays up', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'no-such-handler --flag' });
  const res = await request(wd.url).post('/').send('x');
  assert.equal(res.status, 500);
  assert.match(res.text, /^exec: "no-such-handler": executable file not found in \$PATH\n/);
  await request(wd.url).get('/_/health').expect(200);
});

test('exec_timeout kills the whole process group and answers 408 Killed process.', async (t) => {
  const dir = tempDir(t);
  const pids = join(dir, 'pids');
  // A background grandchild and a foreground one: both must die with the handler.
  const slow = script(
    dir,
    'slow.sh',
    `#!/bin/sh\nsleep 30 &\necho $! > ${pids}\nsleep 31 &\necho $! >> ${pids}\nwait\n`,
  );
  const wd = await startWatchdog(t, { fprocess: slow, exec_timeout: '0.5' });
  const res = await request(wd.url).post('/').send('x');
  assert.equal(res.status, 408);
  assert.equal(res.text, 'Killed process.\n');
  const children = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
  assert.equal(children.length, 2);
  await eventually(() => children.every((pid) => !isRunning(pid)));
});

test('processes a handler leaves behind are killed when it exits (no orphans)', async (t) => {
  const dir = tempDir(t);
  const pids = join(dir, 'pids');
  const leaky = script(dir, 'leaky.sh', `#!/bin/sh\nsleep 30 &\necho $! > ${pids}\necho done\n`);
  const wd = await startWatchdog(t, { fprocess: leaky });
  const res = await request(wd.url).post('/').send('x');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'done\n');
  const pid = Number(readFileSync(pids, 'utf8'));
  await eventually(() => !isRunning(pid));
});

test('combine_output: stderr joins the body by default, goes to the log when false', async (t) => {
  const dir = tempDir(t);
  const both = script(dir, 'both.sh', '#!/bin/sh\necho out\necho err >&2\n');
  const combined = await startWatchdog(t, { fprocess: both });
  const a = await request(combined.url).post('/').send('');
  assert.match(a.text, /out/);
  assert.match(a.text, /err/);

  const split = await startWatchdog(t, { fprocess: both, combine_output: 'false' });
  const b = await request(split.url).post('/').send('');
  assert.equal(b.text, 'out\n');
  await eventually(() => split.logs.some((l) => GO_LOG.test(l) && l.endsWith('stderr: err')));
});

test('write_debug logs the output instead of the byte count', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat', write_debug: 'true' });
  await request(wd.url).post('/').send('secret-sauce').expect(200);
  assert.ok(wd.logs.some((l) => l.endsWith('Output: secret-sauce')));
  assert.ok(!wd.logs.some((l) => l.includes('Wrote ')));
});

test('debug_headers logs request and response headers', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat', debug_headers: 'true' });
  await request(wd.url).post('/').set('X-Trace', 'tr-1').send('x').expect(200);
  assert.ok(wd.logs.some((l) => l.includes('Request headers:') && l.includes('tr-1')));
  await eventually(() =>
    wd.logs.some((l) => l.includes('Response headers:') && l.includes('x-duration-seconds')),
  );
});

test('marshal_request wraps headers and the base64 body in JSON', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'cat', marshal_request: 'true' });
  const res = await request(wd.url)
    .post('/')
    .set('X-Api-Key', 'k1')
    .set('Content-Type', 'text/plain')
    .send('hello');
  const doc = JSON.parse(res.text) as {
    header: { header: Record<string, string[]> };
    body: { raw: string };
  };
  assert.deepEqual(doc.header.header['X-Api-Key'], ['k1']);
  assert.equal(Buffer.from(doc.body.raw, 'base64').toString(), 'hello');
});

test('max_inflight: requests beyond the limit get 429 with the OpenFaaS body', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'sleep 1', max_inflight: '1' });
  const first = request(wd.url)
    .post('/')
    .send('')
    .then((r) => r); // supertest sends on then()
  await eventually(() => wd.logs.some((l) => l.endsWith('Forking fprocess.')));
  const second = await request(wd.url).post('/').send('');
  assert.equal(second.status, 429);
  assert.equal(second.text, 'Concurrent request limit exceeded. Max concurrent requests: 1');
  assert.equal(second.headers['x-openfaas-internal'], 'faas-middleware');
  assert.equal(second.headers['content-type'], 'text/plain');
  assert.equal((await first).status, 200);
  await request(wd.url).post('/').send('').expect(200);
});

test('max_request_bytes: a larger body is a 413 and the handler never runs', async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, 'ran');
  const touch = script(dir, 'touch.sh', `#!/bin/sh\ntouch ${marker}\ncat\n`);
  const wd = await startWatchdog(t, { fprocess: touch, max_request_bytes: '1024' });
  const big = await request(wd.url).post('/').send('x'.repeat(2000));
  assert.equal(big.status, 413);
  assert.match(big.text, /the limit is 1024 bytes \(max_request_bytes\)/);
  // Chunked: no Content-Length to check up front, the limit applies while reading.
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(`${wd.url}/`, { method: 'POST' }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.write('y'.repeat(800));
    req.end('y'.repeat(800));
  });
  assert.equal(status, 413);
  assert.equal(existsSync(marker), false);
  await request(wd.url).post('/').send('small').expect(200, 'small');
  assert.equal(existsSync(marker), true);
  rmSync(marker);
});

test('the classic contract: the handler gets stdin, stdout and stderr, no fd 3 or fd 4', async (t) => {
  const dir = tempDir(t);
  const probe = script(
    dir,
    'fds.sh',
    '#!/bin/sh\nfor fd in 3 4; do [ -e /proc/$$/fd/$fd ] && echo "fd $fd open"; done\necho checked\n',
  );
  const wd = await startWatchdog(t, { fprocess: probe });
  await request(wd.url).post('/').send('').expect(200, 'checked\n');
});
