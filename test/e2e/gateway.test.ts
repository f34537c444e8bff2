/**
 * The gateway as a user runs it (`node dist/gateway.mjs`, local provider): deploy a `cat`
 * function over REST and invoke it, scale to 3 and see 3 processes answer, restart the gateway
 * and find the function still deployed and invocable, delete it and see its processes gone.
 * Every gateway is stopped with SIGTERM and leaves no replica behind.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import request from 'supertest';
import { writeImage } from '../../gateway/providers/local/index.ts';
import { until } from '../support/poll.ts';
import { eventually } from '../watchdog/harness.ts';
import { ADMIN, freePort, replicaPids, startGateway, stopGateway, workDir } from './harness.ts';

const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);

/** The pids of the replicas whose log says they answered (`Wrote N Bytes`). */
async function answeringPids(url: string, name: string): Promise<number[]> {
  const res = await admin(request(url).get(`/system/logs?name=${name}`)).expect(200);
  const lines = res.text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { instance: string; text: string });
  const pid = new Map<string, number>();
  for (const l of lines) {
    const started = /replica started \(pid (\d+)\)/.exec(l.text);
    if (started) pid.set(l.instance, Number(started[1]));
  }
  const answered = new Set(
    lines.filter((l) => /Wrote \d+ Bytes/.test(l.text)).map((l) => l.instance),
  );
  return [...answered].map((instance) => pid.get(instance) ?? -1).sort((a, b) => a - b);
}

/** A graceful stop: exit code 0 and no replica left running. */
async function stopCleanly(gateway: Parameters<typeof stopGateway>[0], dir: string) {
  assert.deepEqual(await stopGateway(gateway), { code: 0, signal: null }, 'exits on SIGTERM');
  await eventually(() => replicaPids(dir).length === 0, 5000).catch(() => {
    assert.fail(`replicas outlived the gateway: ${replicaPids(dir).join(', ')}`);
  });
}

test('a cat function: deploy, invoke, scale to 3, survive a restart, delete', async (t) => {
  const dir = workDir(t);
  await writeImage(join(dir, '.faas/images'), 'faas/cat:1', { fprocess: 'cat' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let gateway = await startGateway(t, dir, port);

  await admin(request(url).post('/system/functions'))
    .send({ service: 'cat', image: 'faas/cat:1' })
    .expect(202);
  await request(url).post('/function/cat').send('hello, cat').expect(200, 'hello, cat');
  assert.equal(replicaPids(dir).length, 1, 'one replica process');

  await admin(request(url).post('/system/scale-function/cat')).send({ replicas: 3 }).expect(202);
  await eventually(
    async () =>
      (await admin(request(url).get('/system/function/cat'))).body.availableReplicas === 3,
    20_000,
  );
  const three = replicaPids(dir);
  assert.equal(three.length, 3, 'three replica processes');
  for (let i = 0; i < 9; i++) {
    await request(url).post('/function/cat').send(`call ${i}`).expect(200, `call ${i}`);
  }
  const sorted = [...three].sort((a, b) => a - b);
  const answering = await until(
    'each replica to log its answers',
    () => answeringPids(url, 'cat'),
    (pids) => pids.length === 3,
    { timeoutMs: 5000 },
  );
  assert.deepEqual(answering, sorted, 'the three processes all answered');

  await stopCleanly(gateway, dir);
  gateway = await startGateway(t, dir, port);
  const listed = await admin(request(url).get('/system/functions')).expect(200);
  assert.deepEqual(
    listed.body.map((f: { name: string; replicas: number }) => [f.name, f.replicas]),
    [['cat', 3]],
  );
  await request(url).post('/function/cat').send('after a restart').expect(200, 'after a restart');
  await eventually(() => replicaPids(dir).length === 3, 20_000);
  const restarted = replicaPids(dir);
  assert.deepEqual(
    restarted.filter((p) => three.includes(p)),
    [],
    'new processes after the restart',
  );

  await admin(request(url).delete('/system/functions')).send({ functionName: 'cat' }).expect(202);
  await eventually(() => replicaPids(dir).length === 0, 10_000);
  await request(url).post('/function/cat').send('').expect(404);
  await admin(request(url).get('/system/function/cat')).expect(404);
  await stopCleanly(gateway, dir);
});

test('logs over HTTP: follow streams new lines as NDJSON; since filters old ones', async (t) => {
  const dir = workDir(t);
  await writeImage(join(dir, '.faas/images'), 'faas/cat:1', { fprocess: 'cat' });
  const port = await freePort();
  const gateway = await startGateway(t, dir, port);
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
  await stopCleanly(gateway, dir);
});
