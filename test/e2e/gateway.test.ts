/**
 * The gateway as a user runs it (`node dist/gateway.mjs`, local provider): deploy a function
 * over REST, invoke it, scale to 3 and see 3 processes answer, restart the gateway and find
 * the function still there, delete it and see its processes gone.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import { writeImage } from '../../gateway/providers/local/index.ts';
import { eventually, isRunning } from '../watchdog/harness.ts';
import { ADMIN, freePort, startGateway, stopGateway, workDir } from './harness.ts';

test('deploy, invoke, scale to 3, survive a restart, delete', async (t) => {
  const dir = workDir(t);
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
