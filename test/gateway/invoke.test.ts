/** /function/*: the invoke proxy against real upstream HTTP servers. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import request from 'supertest';
import { ADMIN, buildApp, upstream } from './app-harness.ts';
import type { Harness } from './app-harness.ts';

async function deploy(
  h: Harness,
  service: string,
  labels: Record<string, string> = {},
): Promise<void> {
  await request(h.app)
    .post('/system/functions')
    .auth(ADMIN.user, ADMIN.password)
    .send({ service, image: 'img', labels })
    .expect(202);
}

/** The app on a real port, for tests that need raw sockets or streaming reads. */
async function listen(t: TestContext, h: Harness): Promise<Server> {
  const server = createServer(h.app).listen(0, '127.0.0.1');
  t.after(() => server.close());
  await once(server, 'listening');
  return server;
}

/** An upstream that answers with what it received. */
async function echoUpstream(t: TestContext) {
  return upstream(t, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'X-Fn': 'yes',
        Connection: 'keep-alive, X-Secret-Hop',
        'X-Secret-Hop': 'no',
      });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          body,
          headers: req.headers,
          port: req.socket.remotePort,
        }),
      );
    });
  });
}

test('forwards method, sub-path, query, body and headers; stamps call id and start time', async (t) => {
  const h = buildApp(t);
  await deploy(h, 'echo');
  h.provider.endpoints.set('echo', (await echoUpstream(t)).url);
  const res = await request(h.app)
    .put('/function/echo.openfaas-fn/a/b?x=1&y=2')
    .set('Connection', 'keep-alive, X-Hop')
    .set('X-Hop', 'drop me')
    .set('X-Custom', 'keep me')
    .send('payload')
    .expect(200);
  const seen = res.body as {
    method: string;
    url: string;
    body: string;
    headers: Record<string, string>;
  };
  assert.equal(seen.method, 'PUT');
  assert.equal(seen.url, '/a/b?x=1&y=2');
  assert.equal(seen.body, 'payload');
  assert.equal(seen.headers['x-custom'], 'keep me');
  assert.equal(seen.headers['x-hop'], undefined);
  assert.match(seen.headers['x-forwarded-for']!, /127\.0\.0\.1/);
  assert.ok(seen.headers['x-forwarded-host']);
  assert.match(seen.headers['x-call-id']!, /^[0-9a-f-]{36}$/);
  assert.equal(res.headers['x-call-id'], seen.headers['x-call-id']);
  assert.match(res.headers['x-start-time']!, /^\d{19}$/);
  assert.equal(res.headers['x-start-time'], seen.headers['x-start-time']);
  assert.equal(res.headers['x-fn'], 'yes');
  assert.equal(
    res.headers['x-secret-hop'],
    undefined,
    'hop-by-hop headers from the function are dropped',
  );

  const root = await request(h.app).post('/function/echo').set('X-Call-Id', 'given-1').send('');
  assert.equal((root.body as { url: string }).url, '/');
  assert.equal(root.headers['x-call-id'], 'given-1');
});

test("the function's status, redirects and errors pass through untouched", async (t) => {
  const h = buildApp(t);
  await deploy(h, 'redir');
  const up = await upstream(t, (req, res) => {
    if (req.url === '/fail') {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      return res.end('exit status 1\n');
    }
    res.writeHead(302, { Location: 'https://example.invalid/elsewhere' });
    res.end();
  });
  h.provider.endpoints.set('redir', up.url);
  const r = await request(h.app).get('/function/redir').redirects(0);
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, 'https://example.invalid/elsewhere');
  const f = await request(h.app).get('/function/redir/fail');
  assert.equal(f.status, 500);
  assert.equal(f.text, 'exit status 1\n');
  assert.equal(f.headers['x-openfaas-internal'], undefined);
});

test('responses stream: the first bytes arrive before the function finishes', async (t) => {
  const h = buildApp(t);
  await deploy(h, 'stream');
  let finish: (() => void) | undefined;
  const up = await upstream(t, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('first\n');
    finish = () => res.end('second\n');
  });
  h.provider.endpoints.set('stream', up.url);
  const server = await listen(t, h);
  const res = await new Promise<IncomingMessage>((resolve) =>
    httpRequest(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/function/stream`,
      resolve,
    ).end(),
  );
  let text = '';
  for await (const chunk of res) {
    text += String(chunk);
    if (text === 'first\n') finish!();
  }
  assert.equal(text, 'first\nsecond\n');
});

test('gateway errors: 404 unknown or empty, 503 no replica, 502 unreachable, 504 timeout, 413 too large', async (t) => {
  const h = buildApp(t, { upstreamTimeoutMs: 300, maxRequestBytes: 1024 });
  const check = async (path: string, status: number, body: RegExp, send = '') => {
    const res = await request(h.app).post(path).send(send);
    assert.equal(res.status, status, path);
    assert.match(res.text, body, path);
    assert.equal(res.headers['x-openfaas-internal'], 'gateway', path);
    assert.match(res.headers['content-type']!, /^text\/plain/);
  };
  for (const p of [
    '/function/ghost',
    '/function/',
    '/function/.openfaas-fn',
    '/function/ghost.other-ns',
    '/function/%2E%2E%2Fx',
    '/function/a%20b',
    `/function/${'a'.repeat(300)}`,
  ]) {
    await check(p, 404, /error finding function/);
  }
  await deploy(h, 'cold');
  await request(h.app)
    .post('/system/scale-function/cold')
    .auth(ADMIN.user, ADMIN.password)
    .send({ replicas: 0 })
    .expect(202);
  await check('/function/cold', 503, /No endpoints available for: cold/);

  await deploy(h, 'gone');
  const dead = await upstream(t, () => undefined);
  dead.server.close();
  h.provider.endpoints.set('gone', dead.url);
  await check('/function/gone', 502, /Can't reach service for: gone/);
  assert.deepEqual(h.provider.failures, [dead.url], 'the dead replica is reported to the provider');

  await deploy(h, 'slow');
  h.provider.endpoints.set('slow', (await upstream(t, () => undefined)).url);
  await check('/function/slow', 504, /did not answer within 0.3s/);

  await deploy(h, 'big');
  h.provider.endpoints.set('big', (await echoUpstream(t)).url);
  await check('/function/big', 413, /limit is 1024 bytes/, 'x'.repeat(2048));
});

test('metrics and invocationCount count real functions only; keep-alive to replicas', async (t) => {
  const h = buildApp(t);
  await deploy(h, 'echo');
  h.provider.endpoints.set('echo', (await echoUpstream(t)).url);
  const ports = new Set<number>();
  for (let i = 0; i < 3; i++)
    ports.add(
      ((await request(h.app).post('/function/echo').send('')).body as { port: number }).port,
    );
  assert.equal(ports.size, 1, 'one kept-alive connection to the replica');
  await request(h.app).post('/function/not-deployed').send('').expect(404);
  const text = (await request(h.app).get('/metrics')).text;
  assert.match(text, /^gateway_function_invocation_total\{function_name="echo",code="200"\} 3$/m);
  assert.match(text, /^gateway_function_invocation_started\{function_name="echo"\} 3$/m);
  assert.match(text, /^gateway_functions_seconds_count\{function_name="echo",code="200"\} 3$/m);
  assert.match(text, /^gateway_service_count\{function_name="echo"\} 1$/m);
  assert.doesNotMatch(text, /not-deployed/);
  const list = await request(h.app).get('/system/functions').auth(ADMIN.user, ADMIN.password);
  assert.equal(list.body[0].invocationCount, 3);
});

test('gateway errors carry X-Call-Id and X-Start-Time; /function alone is a plain 404', async (t) => {
  const h = buildApp(t);
  const res = await request(h.app).post('/function/ghost').send('');
  assert.equal(res.status, 404);
  assert.match(res.headers['x-call-id']!, /^[0-9a-f-]{36}$/);
  assert.match(res.headers['x-start-time']!, /^\d{19}$/);
  const bare = await request(h.app).get('/function');
  assert.equal(bare.status, 404);
  assert.equal(bare.headers['x-openfaas-internal'], 'gateway');
  assert.match(bare.headers['content-type']!, /^text\/plain/);
});

test('request bodies stream to the function with their framing, whatever the method', async (t) => {
  const h = buildApp(t);
  await deploy(h, 'echo');
  h.provider.endpoints.set('echo', (await echoUpstream(t)).url);
  const server = await listen(t, h);
  const port = (server.address() as AddressInfo).port;
  for (const method of ['DELETE', 'GET', 'POST']) {
    const seen = await new Promise<{ method: string; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path: '/function/echo',
          headers: { 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(JSON.parse(text) as { method: string; body: string }));
        },
      );
      req.on('error', reject);
      req.write('part one, ');
      req.end('part two');
    });
    assert.deepEqual(
      { method: seen.method, body: seen.body },
      { method, body: 'part one, part two' },
    );
  }
});

test('an HTTP/1.0 request without a Host header is forwarded, not a 500', async (t) => {
  const h = buildApp(t);
  await deploy(h, 'echo');
  h.provider.endpoints.set('echo', (await echoUpstream(t)).url);
  const server = await listen(t, h);
  const { connect } = await import('node:net');
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  socket.write('GET /function/echo HTTP/1.0\r\n\r\n'); // HTTP/1.0: the server closes after answering
  let raw = '';
  for await (const c of socket) raw += String(c);
  assert.match(raw, /^HTTP\/1\.1 200 /);
});
