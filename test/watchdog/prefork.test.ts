/** prefork mode: still one process per request, but started before the request arrives. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import { eventually, isRunning, script, sleep, startWatchdog, tempDir } from './harness.ts';

const HANDLER = `import { readFileSync } from 'node:fs';
const meta = JSON.parse(readFileSync(3, 'utf8'));
const body = readFileSync(0, 'utf8');
process.stdout.write(JSON.stringify({
  pid: process.pid,
  startedAt: performance.timeOrigin,
  method: meta.method,
  path: meta.path,
  body,
  cgi: Object.keys(process.env).filter((k) => k.startsWith('Http_')),
}));
`;

/** Pids of live processes whose command line contains `needle`. */
function pidsOf(needle: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', needle], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return [];
  }
}

test('each request gets a fresh process that was started before the request was sent', async (t) => {
  const dir = tempDir(t);
  const handler = script(dir, 'handler.mjs', HANDLER);
  const wd = await startWatchdog(t, {
    fprocess: `node ${handler}`,
    mode: 'prefork',
    prefork_pool: '2',
  });
  await eventually(() => pidsOf(handler).length === 2);
  const seen = new Set<number>();
  for (let i = 0; i < 3; i++) {
    await sleep(300); // let the pool refill, as traffic with gaps would
    const sentAt = Date.now();
    const res = await request(wd.url).post(`/item/${i}`).send(`body-${i}`);
    assert.equal(res.status, 200);
    const out = JSON.parse(res.text) as {
      pid: number;
      startedAt: number;
      path: string;
      body: string;
      cgi: string[];
    };
    assert.ok(out.startedAt < sentAt, 'the process existed before the request');
    assert.equal(out.path, `/item/${i}`);
    assert.equal(out.body, `body-${i}`);
    assert.deepEqual(out.cgi, [], 'prefork processes get request data on fd 3, not in env');
    seen.add(out.pid);
  }
  assert.equal(seen.size, 3, 'one process per request');
});

test('exit codes and exec_timeout follow fork mode', async (t) => {
  const dir = tempDir(t);
  const fail = script(dir, 'fail.sh', '#!/bin/sh\ncat >/dev/null\necho nope\nexit 5\n');
  const a = await startWatchdog(t, { fprocess: fail, mode: 'prefork' });
  const r500 = await request(a.url).post('/').send('x');
  assert.equal(r500.status, 500);
  assert.equal(r500.text, 'exit status 5\nnope\n');

  const slow = script(dir, 'slow.sh', '#!/bin/sh\ncat >/dev/null\nexec sleep 10\n');
  const b = await startWatchdog(t, { fprocess: slow, mode: 'prefork', exec_timeout: '0.3' });
  const r408 = await request(b.url).post('/').send('x');
  assert.equal(r408.status, 408);
  assert.equal(r408.text, 'Killed process.\n');
});

test('a pooled process that dies before use is replaced', async (t) => {
  const dir = tempDir(t);
  const handler = script(dir, 'waiting.sh', '#!/bin/sh\ncat\n');
  const wd = await startWatchdog(t, {
    fprocess: `sh ${handler}`,
    mode: 'prefork',
    prefork_pool: '2',
  });
  await eventually(() => pidsOf(handler).length === 2);
  const [victim] = pidsOf(handler);
  process.kill(victim!, 'SIGKILL');
  await eventually(() => {
    const now = pidsOf(handler);
    return now.length === 2 && !now.includes(victim!);
  });
  assert.ok(wd.logs.some((l) => l.includes('a waiting process died before use')));
  await request(wd.url).post('/').send('still works').expect(200, 'still works');
});

test('a handler that keeps dying in the pool is restarted with back-off, not in a loop', async (t) => {
  const wd = await startWatchdog(t, { fprocess: 'true', mode: 'prefork', prefork_pool: '1' });
  const seenAt: number[] = []; // when each death was first seen in the log
  await eventually(() => {
    const deaths = wd.logs.filter((l) => l.includes('died before use')).length;
    while (seenAt.length < deaths) seenAt.push(Date.now());
    return seenAt.length >= 4;
  });
  const gaps = seenAt.slice(1, 4).map((at, i) => at - seenAt[i]!);
  // 100 ms doubling: waits of 100, 200 and 400 ms; without back-off, four deaths take a few ms.
  assert.ok(seenAt[3]! - seenAt[0]! >= 600, `gaps ${gaps.join(', ')} ms`);
  assert.ok(gaps[2]! > gaps[0]!, `the wait grows: gaps ${gaps.join(', ')} ms`);
  await request(wd.url).post('/').send('').expect(200, '');
});

test('a handler reads request metadata on fd 3 and sets status and headers on fd 4', async (t) => {
  const dir = tempDir(t);
  const handler = script(
    dir,
    'handler.mjs',
    `import { readFileSync, writeSync } from 'node:fs';
const meta = JSON.parse(readFileSync(Number(process.env.FAAS_REQUEST_FD), 'utf8'));
const body = readFileSync(0, 'utf8');
writeSync(4, JSON.stringify({ status: 201, headers: { 'X-Path': meta.path, 'Content-Type': 'application/json' } }));
process.stdout.write(JSON.stringify({ method: meta.method, query: meta.query, body, callId: meta.headers['x-call-id'] }));
`,
  );
  const wd = await startWatchdog(t, { fprocess: `node ${handler}`, mode: 'prefork' });
  const res = await request(wd.url).put('/items/7?full=1').set('X-Call-Id', 'c-9').send('payload');
  assert.equal(res.status, 201);
  assert.equal(res.headers['x-path'], '/items/7');
  assert.equal(res.headers['content-type'], 'application/json');
  assert.deepEqual(res.body, { method: 'PUT', query: 'full=1', body: 'payload', callId: 'c-9' });
});

test('a malformed fd 4 response head is a 500 naming the problem', async (t) => {
  const dir = tempDir(t);
  // Reads its request first, as handlers do: one that exits while still pooled loses its output.
  const bad = script(dir, 'bad.sh', '#!/bin/sh\ncat >/dev/null\necho "not json" >&4\necho body\n');
  const wd = await startWatchdog(t, { fprocess: bad, mode: 'prefork' });
  const res = await request(wd.url).post('/').send('');
  assert.equal(res.status, 500);
  assert.match(res.text, /response head on fd 4 that is not JSON: not json/);
});

/** A handler that commits early: body on stdout, a head on fd 4, both closed, then `rest`. */
const committing = (head: string, rest: string): string =>
  `#!/bin/sh\ncat >/dev/null\necho early body\nexec 1>&-\necho '${head}' >&4\nexec 4>&-\n${rest}\n`;

test('a handler that closes stdout and fd 4 after its head is answered before it exits', async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, 'finished');
  const handler = script(dir, 'early.sh', committing('{"status":202}', `sleep 1\ntouch ${marker}`));
  const wd = await startWatchdog(t, { fprocess: handler, mode: 'prefork', prefork_pool: '1' });
  await eventually(() => pidsOf(handler).length === 1);
  const [taken] = pidsOf(handler);
  const res = await request(wd.url).post('/').send('x');
  assert.equal(res.status, 202);
  assert.equal(res.text, 'early body\n');
  assert.equal(existsSync(marker), false, 'the response came while the handler still ran');
  await sleep(200);
  assert.deepEqual(pidsOf(handler), [taken], 'no refill while the taken process runs');
  await eventually(() => existsSync(marker));
  await eventually(() => pidsOf(handler).length === 1 && !pidsOf(handler).includes(taken!));
  assert.ok(!wd.logs.some((l) => l.includes('Error')), wd.logs.join('\n'));
});

test('a non-zero exit after an early response is logged as an error', async (t) => {
  const dir = tempDir(t);
  const handler = script(dir, 'fails-late.sh', committing('{}', 'exit 3'));
  const wd = await startWatchdog(t, { fprocess: handler, mode: 'prefork' });
  await request(wd.url).post('/').send('x').expect(200, 'early body\n');
  await eventually(() =>
    wd.logs.some((l) => l.endsWith('Error: exit status 3 (after its response was sent)')),
  );
});

test('a handler still running 3 s after its early response is killed with its group', async (t) => {
  const dir = tempDir(t);
  const pidFile = join(dir, 'pid');
  const handler = script(
    dir,
    'lingers.sh',
    committing('{}', `echo $$ > ${pidFile}.new\nmv ${pidFile}.new ${pidFile}\nexec sleep 30`),
  );
  const wd = await startWatchdog(t, { fprocess: handler, mode: 'prefork' });
  await request(wd.url).post('/').send('x').expect(200, 'early body\n');
  await eventually(() => existsSync(pidFile));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(isRunning(pid));
  await eventually(() => !isRunning(pid), 8000);
  // Logged once the watchdog has reaped it, which can come a moment after the pid is gone.
  await eventually(() =>
    wd.logs.some((l) => l.endsWith('Killed process: still running 3s after its response')),
  );
});

test('a head from a handler killed at exec_timeout is not a response: 408', async (t) => {
  const dir = tempDir(t);
  const handler = script(dir, 'slow.sh', '#!/bin/sh\necho \'{"status":201}\' >&4\nexec sleep 30\n');
  const wd = await startWatchdog(t, { fprocess: handler, mode: 'prefork', exec_timeout: '0.3' });
  await request(wd.url).post('/').send('x').expect(408, 'Killed process.\n');
});
