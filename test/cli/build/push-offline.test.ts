/** What build and push say when there is no engine or no registry; no Docker needed. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { pushBlocker, registryAnswers } from '../../../cli/commands/push.ts';
import { cliIn } from '../cli-harness.ts';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

test('an image without a registry host is explained, with the name to use', async () => {
  assert.equal(
    await pushBlocker('faas/echo:latest'),
    'push faas/echo:latest: no registry in the image name; name it 127.0.0.1:5000/faas/echo:latest to push to a local registry',
  );
});

test('a registry that does not answer is explained, with how to start one', async () => {
  assert.equal(
    await pushBlocker('127.0.0.1:1/faas/echo:1'),
    'registry 127.0.0.1:1 is not reachable: start one (bash scripts/services.sh starts one on 127.0.0.1:5000)',
  );
});

test('any HTTP answer on /v2/ counts as a registry (401 included)', async (t) => {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/v2/' ? 401 : 404;
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  assert.equal(await registryAnswers(`127.0.0.1:${port}`), true);
  assert.equal(await pushBlocker(`127.0.0.1:${port}/fn:1`), undefined);
});

test('faas build without an engine builds the local store only and says so in one line', async (t) => {
  const { faas } = await cliIn(t, NO_ENGINE);
  assert.equal((await faas(['new', 'hello', '--lang', 'bash'])).error, undefined);
  const run = await faas(['build', '-f', 'hello.yml']);
  assert.equal(run.error, undefined);
  const lines = run.out.split('\n').filter((l) => l.startsWith('no Docker engine'));
  assert.deepEqual(lines, [
    'no Docker engine reachable: built into the local image store only (Docker engine at unix:///nonexistent/docker.sock is unavailable: connect ENOENT /nonexistent/docker.sock)',
  ]);
  assert.match(run.out, /\[hello\] built hello:latest into the local image store/);
});

test('faas push names the image problem before it needs an engine, then the engine', async (t) => {
  const { faas } = await cliIn(t, NO_ENGINE);
  await faas(['new', 'hello', '--lang', 'bash']);
  const unnamed = await faas(['push', '-f', 'hello.yml']);
  assert.match(unnamed.error?.message ?? '', /^push hello:latest: no registry in the image name/);

  const { faas: faas2, dir } = await cliIn(t, NO_ENGINE);
  await faas2(['new', 'hello', '--lang', 'bash']);
  const stack = `${dir}/hello.yml`;
  await writeFile(
    stack,
    (await readFile(stack, 'utf8')).replace('hello:latest', '127.0.0.1:1/hello:1'),
  );
  const down = await faas2(['push', '-f', 'hello.yml', '--filter', 'hello']);
  assert.match(down.error?.message ?? '', /^registry 127\.0\.0\.1:1 is not reachable/);
});
