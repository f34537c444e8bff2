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

test('logs over HTTP: follow streams new lines as NDJSON; since filters old ones', async (t) => {
  const dir = workDir(t);
  await writeImage(join(dir, '.faas/images'), 'faas/cat:1', { fprocess: 'cat' });
  const port = await freePort();
  await startGateway(t, dir, port);
  const url = `http://127.0.0.1:${port}`;
  const auth = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;
  await request(url)
    .post('/system/functions')
    .set('Authorization', auth)
    .send({ service: 'cat', image: 'faas/cat:1' })
    .expect(202);
  await request(url).post('/function/cat').send('warm').expect(200);
  // The gateway stamps a line when it reads it from the replica: wait until it has this one.
  await eventually(async () =>
    /Wrote 4 Bytes/.test(
      (await request(url).get('/system/logs?name=cat').set('Authorization', auth)).text,
    ),
  );
  await new Promise((r) => setTimeout(r, 5)); // a millisecond clock: the next stamp is strictly later

  const abort = new AbortController();
  t.after(() => abort.abort());
  const res = await fetch(
    `${url}/system/logs?name=cat&follow=true&since=${new Date().toISOString()}`,
    {
      headers: { authorization: auth },
      signal: abort.signal,
    },
  );
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /application\/x-ndjson/);
  const reader = res.body!.getReader();
  await request(url).post('/function/cat').send('after').expect(200);
  let text = '';
  while (!/Wrote 5 Bytes/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
  }
  const lines = text
    .trim()
    .split('\n')
    .map(
      (l) => JSON.parse(l) as { name: string; text: string; instance: string; timestamp: string },
    );
  assert.ok(lines.every((l) => l.name === 'cat' && l.instance && l.timestamp));
  assert.ok(
    lines.some((l) => /Wrote 5 Bytes/.test(l.text)),
    'the new invocation arrives while following',
  );
  assert.ok(!lines.some((l) => /Wrote 4 Bytes/.test(l.text)), 'since= left out the earlier one');
  abort.abort();
});
