/**
 * The bundled watchdog as a process: start-up checks, the standalone bundle, the lock file,
 * metrics and the SIGTERM drain.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import {
  BUNDLE,
  eventually,
  isRunning,
  script,
  sleep,
  spawnWatchdog,
  startWatchdog,
  tempDir,
} from './harness.ts';

test('bad configuration: exit 2 with one message naming every bad key', () => {
  const r = spawnSync(process.execPath, [BUNDLE], {
    env: {
      PATH: process.env.PATH,
      mode: 'turbo',
      exec_timeout: 'soon',
      max_inflight: 'many',
      write_timeout: '720h',
    },
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /invalid watchdog configuration/);
  assert.match(r.stderr, /fprocess is required/);
  assert.match(r.stderr, /mode="turbo"/);
  assert.match(r.stderr, /exec_timeout="soon"/);
  assert.match(r.stderr, /max_inflight="many"/);
  assert.match(r.stderr, /write_timeout="720h" is not at most 596h31m23\.647s/);
});

test('a boolean other than true or false starts the watchdog, read as false and warned about', async (t) => {
  // OpenFaaS images set cgi_headers=1 and the like; the classic watchdog reads them as false.
  const wd = await spawnWatchdog(t, { fprocess: 'env', cgi_headers: '1' });
  assert.match(wd.output(), /Warning: cgi_headers="1" is read as false: only "true" is true/);
  const res = await request(wd.url).post('/').set('X-Call-Id', 'abc').send('');
  assert.equal(res.status, 200);
  assert.doesNotMatch(res.text, /^Http_/m);
});

test('dist/watchdog.js runs alone, with no node_modules or package.json beside it', async (t) => {
  const dir = tempDir(t);
  const lone = join(dir, 'watchdog.js');
  copyFileSync(BUNDLE, lone);
  const wd = await spawnWatchdog(t, { fprocess: 'cat' }, lone);
  await request(wd.url).post('/').send('alone').expect(200, 'alone');
});

test('the lock file decides health; suppress_lock skips it', async (t) => {
  const tmp = tempDir(t);
  const wd = await spawnWatchdog(t, { fprocess: 'cat', TMPDIR: tmp });
  const lock = join(tmp, '.lock');
  assert.ok(existsSync(lock));
  await request(wd.url).get('/_/health').expect(200, 'OK');
  assert.equal((await request(wd.url).post('/_/health').send('')).status, 405);
  rmSync(lock);
  await request(wd.url).get('/_/health').expect(503);

  const tmp2 = tempDir(t);
  const quiet = await spawnWatchdog(t, { fprocess: 'cat', TMPDIR: tmp2, suppress_lock: 'true' });
  assert.equal(existsSync(join(tmp2, '.lock')), false);
  await request(quiet.url).get('/_/health').expect(200);
});

test('metrics: requests by code and method, durations, requests in flight', async (t) => {
  const dir = tempDir(t);
  const fail = script(dir, 'fail.sh', '#!/bin/sh\nexit 1\n');
  const wd = await startWatchdog(t, { fprocess: fail });
  await request(wd.url).post('/').send('');
  await request(wd.url).post('/').send('');
  await request(wd.url).options('/');
  const text = (await request(wd.metricsUrl).get('')).text;
  assert.match(text, /^http_requests_total\{code="500",method="post"\} 2$/m);
  assert.match(text, /^http_requests_total\{code="405",method="options"\} 1$/m);
  assert.match(text, /^http_request_duration_seconds_count\{code="500",method="post"\} 2$/m);
  assert.match(
    text,
    /^http_request_duration_seconds_bucket\{code="500",method="post",le="\+Inf"\} 2$/m,
  );
  assert.match(text, /^http_requests_in_flight 0$/m);
});

test('metrics: http_requests_in_flight counts a request while its handler runs', async (t) => {
  const dir = tempDir(t);
  const gate = join(dir, 'gate');
  // Runs until the test opens the gate, so the request is in flight for as long as needed.
  const held = script(dir, 'held.sh', `#!/bin/sh\nwhile [ ! -e ${gate} ]; do sleep 0.02; done\n`);
  const wd = await startWatchdog(t, { fprocess: held });
  const inFlight = async (): Promise<string | undefined> =>
    /^http_requests_in_flight (\d+)$/m.exec((await request(wd.metricsUrl).get('')).text)?.[1];
  const pending = request(wd.url)
    .post('/')
    .send('')
    .then((r) => r.status);
  await eventually(async () => (await inFlight()) === '1');
  writeFileSync(gate, '');
  assert.equal(await pending, 200);
  await eventually(async () => (await inFlight()) === '0');
});

test('SIGTERM: unhealthy at once, serves through healthcheck_interval, drains, exits 0', async (t) => {
  const dir = tempDir(t);
  // Sleeps when asked to, so one request can be in flight while others are quick.
  const handler = script(
    dir,
    'h.sh',
    '#!/bin/sh\nbody=$(cat)\n[ "$body" = slow ] && sleep 1.5\necho "done $body"\n',
  );
  const tmp = tempDir(t);
  const wd = await spawnWatchdog(t, {
    fprocess: handler,
    TMPDIR: tmp,
    healthcheck_interval: '0.5',
    write_timeout: '5',
  });
  const slow = request(wd.url)
    .post('/')
    .send('slow')
    .then((r) => r);
  await eventually(() => wd.output().includes('Forking fprocess.'));
  wd.child.kill('SIGTERM');
  await eventually(() => wd.output().includes('SIGTERM received'));
  await request(wd.url).get('/_/health').expect(503);
  assert.equal(existsSync(join(tmp, '.lock')), false);
  await request(wd.url).post('/').send('quick').expect(200, 'done quick\n');
  const res = await slow;
  assert.equal(res.status, 200);
  assert.equal(res.text, 'done slow\n');
  assert.equal(await wd.exited, 0);
  await sleep(0);
  assert.match(wd.output(), /Exiting/);
});

test('SIGTERM: a request still running after write_timeout does not hold the exit', async (t) => {
  const wd = await spawnWatchdog(t, {
    fprocess: 'sleep 30',
    healthcheck_interval: '0',
    write_timeout: '0.5',
  });
  const pending = request(wd.url)
    .post('/')
    .send('')
    .then(
      (r) => r.status,
      () => 'cut',
    );
  await eventually(() => wd.output().includes('Forking fprocess.'));
  wd.child.kill('SIGTERM');
  assert.equal(await wd.exited, 0);
  assert.equal(await pending, 'cut');
});

test('SIGTERM with write_timeout=0: the drain waits for requests in flight, however long', async (t) => {
  const wd = await spawnWatchdog(t, {
    fprocess: 'sleep 1',
    healthcheck_interval: '0',
    write_timeout: '0',
  });
  const pending = request(wd.url)
    .post('/')
    .send('')
    .then((r) => r.status);
  await eventually(() => wd.output().includes('Forking fprocess.'));
  wd.child.kill('SIGTERM');
  assert.equal(await pending, 200);
  assert.equal(await wd.exited, 0);
  assert.match(wd.output(), /Waiting for 1 request\(s\) in flight/);
});

test('the watchdog takes handler process groups down with it when it exits', async (t) => {
  const dir = tempDir(t);
  const pidFile = join(dir, 'pid');
  // Commits its response early, then lingers (prefork): still running when the watchdog exits.
  const handler = script(
    dir,
    'lingers.sh',
    `#!/bin/sh\ncat >/dev/null\necho ok\nexec 1>&-\necho '{}' >&4\nexec 4>&-\necho $$ > ${pidFile}.new\nmv ${pidFile}.new ${pidFile}\nexec sleep 30\n`,
  );
  const wd = await spawnWatchdog(t, {
    fprocess: handler,
    mode: 'prefork',
    healthcheck_interval: '0',
  });
  await request(wd.url).post('/').send('').expect(200, 'ok\n');
  await eventually(() => existsSync(pidFile));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(isRunning(pid), 'the handler still lingers when the watchdog is told to stop');
  wd.child.kill('SIGTERM');
  assert.equal(await wd.exited, 0);
  await eventually(() => !isRunning(pid), 2000); // well before the 3 s linger limit
});

test('bind_address limits both ports to one address', async (t) => {
  const wd = await spawnWatchdog(t, { fprocess: 'cat', bind_address: '127.0.0.1' });
  await request(wd.url).post('/').send('x').expect(200);
  // Read the listening sockets from the kernel rather than probing another address.
  const listening = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === '0A')
    .map((f) => f[1]!);
  for (const url of [wd.url, wd.metricsUrl]) {
    const hex = Number(new URL(url).port).toString(16).toUpperCase().padStart(4, '0');
    assert.deepEqual(
      listening.filter((a) => a.endsWith(`:${hex}`)),
      [`0100007F:${hex}`],
    );
  }
});
