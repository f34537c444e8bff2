/**
 * The gateway as a user runs it (`node dist/gateway.mjs`, local provider): deploy a function
 * over REST, invoke it, scale to 3 and see 3 processes answer, restart the gateway and find
 * the function still there, delete it and see its processes gone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import request from 'supertest';
import { writeImage } from '../../gateway/providers/local/index.ts';
import { eventually, isRunning } from '../watchdog/harness.ts';

const GATEWAY = resolve('dist/gateway.mjs');
const ADMIN = { user: 'admin', password: 'e2e-password' };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function startGateway(t: TestContext, dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [GATEWAY], {
    cwd: dir,
    env: { PATH: process.env.PATH, port: String(port), admin_password: ADMIN.password },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  t.after(() => child.kill('SIGKILL'));
  await eventually(() => {
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${log}`);
    return log.includes('listening on');
  }, 15_000);
  return child;
}

async function stopGateway(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

test('deploy, invoke, scale to 3, survive a restart, delete', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faas-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The handler prints its parent: the watchdog replica that forked it.
  await writeImage(
    join(dir, '.faas/images'),
    'faas/whoami:1',
    { fprocess: 'sh whoami.sh' },
    {
      'whoami.sh': 'cat >/dev/null\necho "$PPID"\n',
    },
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  let gateway = await startGateway(t, dir, port);

  await admin(request(url).post('/system/functions'))
    .send({ service: 'whoami', image: 'faas/whoami:1' })
    .expect(202);
  const first = await request(url).post('/function/whoami').send('hi').expect(200);
  assert.match(first.text, /^\d+\n$/);

  await admin(request(url).post('/system/scale-function/whoami')).send({ replicas: 3 }).expect(202);
  await eventually(
    async () =>
      (await admin(request(url).get('/system/function/whoami'))).body.availableReplicas === 3,
    20_000,
  );
  const pids = new Set<number>();
  for (let i = 0; i < 9; i++)
    pids.add(Number((await request(url).post('/function/whoami').send('')).text));
  assert.equal(pids.size, 3, 'round-robin reaches all three replicas');

  await stopGateway(gateway);
  await eventually(() => [...pids].every((p) => !isRunning(p)), 10_000);
  gateway = await startGateway(t, dir, port);
  const listed = await admin(request(url).get('/system/functions')).expect(200);
  assert.deepEqual(
    listed.body.map((f: { name: string; replicas: number }) => [f.name, f.replicas]),
    [['whoami', 3]],
  );
  const after = await request(url).post('/function/whoami').send('').expect(200);
  assert.match(after.text, /^\d+\n$/);

  const live = new Set<number>();
  for (let i = 0; i < 9; i++)
    live.add(Number((await request(url).post('/function/whoami').send('')).text));
  await admin(request(url).delete('/system/functions'))
    .send({ functionName: 'whoami' })
    .expect(202);
  await eventually(() => [...live].every((p) => !isRunning(p)), 10_000);
  await request(url).post('/function/whoami').send('').expect(404);
  await stopGateway(gateway);
});
