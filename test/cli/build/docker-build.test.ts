/**
 * `faas build` and `faas push` against the real Docker engine and the real registry on
 * 127.0.0.1:5000 (both started by scripts/services.sh; skipped outside CI when missing).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import type Docker from 'dockerode';
import request from 'supertest';
import { requireDocker, runContainer } from '../../support/docker.ts';
import { until } from '../../support/poll.ts';
import { cliIn } from '../cli-harness.ts';
import type { Faas } from '../cli-harness.ts';

const REGISTRY = '127.0.0.1:5000';
const unique = `${process.pid}-${Date.now().toString(36)}`;
const env = { DOCKER_HOST: process.env.DOCKER_HOST ?? '' };

/** `faas new NAME --lang L`, the function added to one stack.yml as the tests build it. */
async function newFunction(faas: Faas, dir: string, name: string, lang: string): Promise<void> {
  const stack = join(dir, 'stack.yml');
  if (!existsSync(stack)) await writeFile(stack, 'provider: {name: openfaas}\nfunctions:\n');
  const run = await faas(['new', name, '--lang', lang, '--append', 'stack.yml']);
  assert.equal(run.error, undefined);
}

async function setImage(dir: string, from: string, to: string): Promise<void> {
  const stack = join(dir, 'stack.yml');
  await writeFile(stack, (await readFile(stack, 'utf8')).replace(`image: ${from}`, `image: ${to}`));
}

/** Removes the image when the test ends, after `before` (e.g. removing a container). */
function removeImageAfter(
  t: TestContext,
  docker: Docker,
  image: string,
  before: () => Promise<unknown> = () => Promise.resolve(),
): void {
  t.after(async () => {
    await before().catch(() => undefined);
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  });
}

async function publishedPort(container: Docker.Container): Promise<string> {
  const info = await container.inspect();
  const port = info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort;
  assert.ok(port, 'port 8080 is published on loopback');
  return port;
}

test('a bash function builds into a Docker image that answers on its published port', async (t) => {
  const docker = await requireDocker(t);
  if (!docker) return;
  const image = `faas-test/hello-${unique}:1`;
  const { dir, faas } = await cliIn(t, env);
  await newFunction(faas, dir, 'hello', 'bash');
  await setImage(dir, 'hello:latest', image);

  const started = Date.now();
  const build = await faas(['build']);
  t.diagnostic(`image build took ${(Date.now() - started) / 1000} s`);
  const containers: Docker.Container[] = [];
  removeImageAfter(t, docker, image, () =>
    Promise.all(containers.map((c) => c.remove({ force: true }))),
  );
  assert.equal(build.error, undefined, build.out);
  assert.match(build.out, /^\[hello\] Step 1\/\d+ : FROM faas\/node-base:/m);
  assert.match(build.out, new RegExp(`^\\[hello\\] built Docker image ${image}$`, 'm'));

  const config = (await docker.getImage(image).inspect()).Config;
  assert.ok(config.Env.includes('fprocess=sh function/handler.sh'), config.Env.join(' '));
  assert.ok(config.Env.includes('mode=fork'));
  assert.deepEqual(config.Cmd, ['node', '/home/app/watchdog.js']);
  assert.equal(config.Healthcheck, undefined, 'no HEALTHCHECK: it would delay Swarm readiness');

  const container = await docker.createContainer({
    Image: image,
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  containers.push(container);
  await container.start();
  const url = `http://127.0.0.1:${await publishedPort(container)}`;
  await until(
    'the watchdog to be healthy',
    // supertest, not fetch: Node 20's fetch can stay pending with no socket left when the
    // port's proxy accepts and drops connections while the container starts.
    async () => (await request(url).get('/_/health').timeout(2000)).status,
    (status) => status === 200,
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  const res = await request(url)
    .post('/')
    .set('Content-Type', 'text/plain')
    .send('from a container');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'You said: from a container\n');
});

test('lang dockerfile builds the handler folder with watchdog.js and BASE; failures show the last lines', async (t) => {
  const docker = await requireDocker(t);
  if (!docker) return;
  const image = `faas-test/own-${unique}:1`;
  const { dir, faas } = await cliIn(t, env);
  await newFunction(faas, dir, 'own', 'dockerfile');
  await setImage(dir, 'own:latest', image);
  removeImageAfter(t, docker, image);

  const build = await faas(['build']);
  assert.equal(build.error, undefined, build.out);
  assert.doesNotMatch(build.out, /local image store/);
  const config = (await docker.getImage(image).inspect()).Config;
  assert.ok(config.Env.includes('fprocess=cat'), config.Env.join(' '));
  const run = await runContainer(t, docker, image, ['sh', '-c', 'wc -c < /home/app/watchdog.js']);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.ok(Number(run.stdout) > 1000, `watchdog.js has ${run.stdout} bytes`);

  const dockerfile = join(dir, 'own', 'Dockerfile');
  await writeFile(
    dockerfile,
    `${await readFile(dockerfile, 'utf8')}RUN echo about to fail && exit 3\n`,
  );
  const failed = await faas(['build']);
  assert.match(
    failed.error?.message ?? '',
    new RegExp(
      `^own: docker build of ${image} failed: .*returned a non-zero code: 3; last lines of the build:\\n`,
    ),
  );
  assert.match(failed.error?.message ?? '', /^about to fail$/m);
});

async function requireRegistry(t: TestContext): Promise<boolean> {
  const ok = await fetch(`http://${REGISTRY}/v2/`, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    () => false,
  );
  if (ok) return true;
  const message = `no registry answers on ${REGISTRY}; start one: bash scripts/services.sh`;
  if (process.env.CI === 'true') assert.fail(message);
  t.skip(message);
  return false;
}

/** Deletes a tag's manifest from the registry (its config enables deletes). */
async function deleteFromRegistry(path: string, tag: string): Promise<void> {
  const manifest = `http://${REGISTRY}/v2/${path}/manifests`;
  const head = await fetch(`${manifest}/${tag}`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  const digest = head.headers.get('docker-content-digest');
  if (digest) await fetch(`${manifest}/${digest}`, { method: 'DELETE' });
}

test('faas push sends the built image to the registry in its name', async (t) => {
  const docker = await requireDocker(t);
  if (!docker || !(await requireRegistry(t))) return;
  const path = `faas-test/push-${unique}`;
  const image = `${REGISTRY}/${path}:v1`;
  const { dir, faas } = await cliIn(t, env);
  await newFunction(faas, dir, 'pushed', 'bash');
  await setImage(dir, 'pushed:latest', image);
  removeImageAfter(t, docker, image, () => deleteFromRegistry(path, 'v1'));

  const build = await faas(['build']);
  assert.equal(build.error, undefined, build.out);
  const started = Date.now();
  const push = await faas(['push', '-f', 'stack.yml', '--filter', 'pushed']);
  t.diagnostic(`push took ${(Date.now() - started) / 1000} s`);
  assert.equal(push.error, undefined, push.out);
  assert.match(push.out, /^\[pushed\] The push refers to repository \[127\.0\.0\.1:5000\//m);
  assert.match(push.out, /^\[pushed\] v1: digest: sha256:[0-9a-f]{64} size: \d+$/m);

  const tags = await fetch(`http://${REGISTRY}/v2/${path}/tags/list`);
  assert.equal(tags.status, 200);
  assert.deepEqual(await tags.json(), { name: path, tags: ['v1'] });
});

test('faas up --skip-deploy pushes images that name a registry, notes the others, and --skip-push skips', async (t) => {
  const docker = await requireDocker(t);
  if (!docker || !(await requireRegistry(t))) return;
  const path = `faas-test/up-${unique}`;
  const named = `${REGISTRY}/${path}:v1`;
  const unnamed = `faas-test/up-local-${unique}:1`;
  const { dir, faas } = await cliIn(t, env);
  await newFunction(faas, dir, 'a', 'bash');
  await newFunction(faas, dir, 'b', 'bash');
  await setImage(dir, 'a:latest', named);
  await setImage(dir, 'b:latest', unnamed);
  removeImageAfter(t, docker, named, () => deleteFromRegistry(path, 'v1'));
  removeImageAfter(t, docker, unnamed);

  const skipped = await faas(['up', '--skip-deploy', '--skip-push']);
  assert.equal(skipped.error, undefined, skipped.out);
  assert.doesNotMatch(skipped.out, /push/i);

  const up = await faas(['up', '--skip-deploy']);
  assert.equal(up.error, undefined, up.out);
  assert.match(up.out, new RegExp(`^\\[a\\] pushed ${named}$`, 'm'));
  assert.match(up.out, new RegExp(`^\\[b\\] not pushed: ${unnamed} names no registry`, 'm'));
  const tags = await fetch(`http://${REGISTRY}/v2/${path}/tags/list`);
  assert.deepEqual(await tags.json(), { name: path, tags: ['v1'] });
});
