/** http mode: one long-lived handler server, every request reverse-proxied to it. */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import request from 'supertest';
import { eventually, isRunning, script, startWatchdog, tempDir } from './harness.ts';
import type { TestContext } from 'node:test';

const UPSTREAM = `import { createServer } from 'node:http';
const [port, delayMs = '0'] = process.argv.slice(2);
const completed = []; // the length of every body received whole
const server = createServer((req, res) => {
  if (req.url === '/completed') { res.end(JSON.stringify(completed)); return; }
  if (req.url === '/exit') { res.end('bye'); setTimeout(() => process.exit(1), 10); return; }
  if (req.url === '/slow') { setTimeout(() => res.end('late'), 2000); return; }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    completed.push(body.length);
    res.writeHead(req.url.startsWith('/created') ? 201 : 200, { 'Content-Type': 'application/json', 'X-Handler': 'yes' });
    res.end(JSON.stringify({ pid: process.pid, method: req.method, url: req.url, body, headers: req.headers, remotePort: req.socket.remotePort }));
  });
});
setTimeout(() => server.listen(Number(port), '127.0.0.1'), Number(delayMs));
`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function httpWatchdog(t: TestContext, delayMs = 0, env: Record<string, string> = {}) {
  const dir = tempDir(t);
  const upstream = script(dir, 'upstream.mjs', UPSTREAM);
  const port = await freePort();
  return startWatchdog(t, {
    mode: 'http',
    fprocess: `node ${upstream} ${port} ${delayMs}`,
    upstream_url: `http://127.0.0.1:${port}`,
    ...env,
  });
}

interface Echo {
  pid: number;
  method: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  remotePort: number;
}

test('health is 503 until the upstream answers, then 200', async (t) => {
  const wd = await httpWatchdog(t, 700);
  await request(wd.url).get('/_/health').expect(503);
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  assert.ok(wd.logs.some((l) => l.includes('Upstream ready at http://127.0.0.1:')));
});

test('the function chooses status and headers; method, path, query and body pass through', async (t) => {
  const wd = await httpWatchdog(t);
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  const res = await request(wd.url)
    .post('/created/x?y=1')
    .set('Connection', 'keep-alive, X-Hop')
    .set('X-Hop', 'secret')
    .set('X-Call-Id', 'id-1')
    .send('payload');
  assert.equal(res.status, 201);
  assert.equal(res.headers['x-handler'], 'yes');
  assert.match(res.headers['x-duration-seconds']!, /^\d+\.\d{6}$/);
  const echo = res.body as Echo;
  assert.equal(echo.method, 'POST');
  assert.equal(echo.url, '/created/x?y=1');
  assert.equal(echo.body, 'payload');
  assert.equal(echo.headers['x-call-id'], 'id-1');
  assert.equal(echo.headers['x-hop'], undefined, 'headers named in Connection are hop-by-hop');
  const options = await request(wd.url).options('/');
  assert.equal((options.body as Echo).method, 'OPTIONS', 'every method reaches the function');
});

test('requests reuse keep-alive connections to the upstream', async (t) => {
  const wd = await httpWatchdog(t);
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  const ports = new Set<number>();
  for (let i = 0; i < 5; i++) ports.add(((await request(wd.url).get('/')).body as Echo).remotePort);
  assert.equal(ports.size, 1);
});

test('an upstream that exits is restarted with back-off', async (t) => {
  const wd = await httpWatchdog(t);
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  const first = ((await request(wd.url).get('/')).body as Echo).pid;
  await request(wd.url).get('/exit').expect(200, 'bye');
  await eventually(() =>
    wd.logs.some((l) => l.includes('Upstream process stopped (exit 1); restarting in 100ms')),
  );
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  const second = ((await request(wd.url).get('/')).body as Echo).pid;
  assert.notEqual(second, first);
  assert.equal(isRunning(first), false);
});

test('exec_timeout answers 504; an unreachable upstream 502', async (t) => {
  const wd = await httpWatchdog(t, 0, { exec_timeout: '0.3' });
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  const slow = await request(wd.url).get('/slow');
  assert.equal(slow.status, 504);
  assert.match(slow.text, /Timed out after 0.3s \(exec_timeout\)/);

  const down = await httpWatchdog(t, 60_000);
  const res = await request(down.url).get('/');
  assert.equal(res.status, 502);
  assert.match(res.text, /Can't reach the function at http:\/\/127.0.0.1:\d+: ECONNREFUSED/);
});

test('max_request_bytes applies to proxied bodies', async (t) => {
  const wd = await httpWatchdog(t, 0, { max_request_bytes: '16' });
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  assert.equal((await request(wd.url).post('/').send('x'.repeat(17))).status, 413);
  assert.equal((await request(wd.url).post('/').send('x'.repeat(16))).status, 200);
});

test('max_request_bytes counts a chunked body on its way to the upstream', async (t) => {
  const wd = await httpWatchdog(t, 0, { max_request_bytes: '16' });
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  const chunked = (parts: string[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(`${wd.url}/`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      for (const p of parts) req.write(p);
      req.end();
    });
  assert.equal(await chunked(['x'.repeat(10), 'x'.repeat(6)]), 200);
  assert.equal(await chunked(['x'.repeat(10), 'x'.repeat(7)]), 413);
  // The first 10 bytes went on before the limit was known; the upstream saw that request abort,
  // never end as if it were whole.
  const completed = await request(wd.url).get('/completed');
  assert.deepEqual(JSON.parse(completed.text), [16]);
});

test('by default a body over 10 MiB streams through to the upstream', async (t) => {
  const wd = await httpWatchdog(t);
  await eventually(async () => (await request(wd.url).get('/_/health')).status === 200);
  const size = 12 * 1024 * 1024;
  const res = await request(wd.url).post('/').send('x'.repeat(size));
  assert.equal(res.status, 200);
  assert.equal((res.body as Echo).body.length, size);
});
