/** write_timeout is a deadline on the whole response (Go's WriteTimeout), not an idle timeout. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, get } from 'node:http';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { applyTimeouts } from '../../../gateway/http/timeouts.ts';

const WRITE_MS = 300;

/** A response that sends a byte every 50 ms for 1.5 s: never idle, longer than the deadline. */
const trickle: RequestListener = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  const tick = setInterval(() => res.write('.'), 50);
  const end = setTimeout(() => res.end('done'), 1500);
  res.once('close', () => {
    clearInterval(tick);
    clearTimeout(end);
  });
};

async function serve(t: TestContext, listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  applyTimeouts(server, { readTimeoutMs: 5000, writeTimeoutMs: WRITE_MS });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** GETs `path`; whether the body arrived whole, what arrived, and after how long. */
function fetchText(port: number, path: string) {
  const started = performance.now();
  return new Promise<{ complete: boolean; text: string; ms: number }>((resolve) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('error', () => undefined); // "aborted": reported through complete below
      res.on('close', () =>
        resolve({ complete: res.complete, text, ms: performance.now() - started }),
      );
    }).on('error', () => resolve({ complete: false, text: '', ms: performance.now() - started }));
  });
}

test('a response still going at write_timeout is cut, though it never stalls', async (t) => {
  const port = await serve(t, trickle);
  const r = await fetchText(port, '/function/slow');
  assert.equal(r.complete, false, 'cut before its end');
  assert.doesNotMatch(r.text, /done/);
  assert.ok(r.ms >= WRITE_MS - 50 && r.ms < 1200, `cut at the deadline, after ${r.ms} ms`);
});

test('a response that ends within write_timeout is whole; followed logs are never cut', async (t) => {
  const port = await serve(t, (req, res) => {
    if (req.url?.startsWith('/system/logs')) return trickle(req, res);
    setTimeout(() => res.end('quick'), 100);
  });
  const quick = await fetchText(port, '/x');
  assert.deepEqual([quick.complete, quick.text], [true, 'quick']);
  const logs = await fetchText(port, '/system/logs?name=f&follow=true');
  assert.equal(logs.complete, true);
  assert.match(logs.text, /done$/);
});
