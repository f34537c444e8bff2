/** build and up, in-process with no Docker engine: what they check and warn about, once. */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliIn, recordingServer } from '../cli-harness.ts';

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

const STACK = `provider:
  name: openfaas
functions:
  echo:
    lang: bash
    handler: ./echo
    image: faas/echo:1
    imgae: typo
    build_options: [dev]
    build_secrets: {npmrc: ~/.npmrc}
    platforms: linux/amd64,linux/arm64
  figlet:
    image: functions/figlet:0.13.0
    build_options: [dev]
configuration:
  templates:
    - name: python3-http
  copy: [./common]
`;

const IGNORED = 'is not supported by faas build (ignored)';

async function project(t: Parameters<typeof cliIn>[0]) {
  const cli = await cliIn(t, NO_ENGINE);
  await mkdir(join(cli.dir, 'echo'));
  await writeFile(join(cli.dir, 'echo', 'handler.sh'), 'cat\n');
  await writeFile(join(cli.dir, 'stack.yml'), STACK);
  return cli;
}

test('up loads the stack once: each warning once, a build-only key named as ignored', async (t) => {
  const { faas } = await project(t);
  const gw = await recordingServer(t, () => ({ status: 202 }));
  const run = await faas(['up', '-g', gw.url, '--filter', 'echo']);
  assert.equal(run.error, undefined);
  assert.deepEqual(run.err.split('\n').filter(Boolean), [
    'Warning: stack.yml:8: unknown key functions.echo.imgae (ignored)',
    `Warning: stack.yml:9: functions.echo.build_options ${IGNORED}`,
    `Warning: stack.yml:10: functions.echo.build_secrets ${IGNORED}`,
    `Warning: stack.yml:11: functions.echo.platforms ${IGNORED}`,
    `Warning: stack.yml:16: configuration.templates ${IGNORED}`,
    `Warning: stack.yml:18: configuration.copy ${IGNORED}`,
  ]);
  assert.match(run.out, /\[echo\] built faas\/echo:1 into the local image store/);
  assert.deepEqual(
    gw.calls.map((c) => `${c.method} ${c.path}`),
    ['PUT /system/functions'],
  );
});

test('deploy does not warn about build keys: it builds nothing', async (t) => {
  const { faas } = await project(t);
  const gw = await recordingServer(t, () => ({ status: 202 }));
  const run = await faas(['deploy', '-g', gw.url]);
  assert.equal(run.error, undefined);
  assert.deepEqual(run.err.split('\n').filter(Boolean), [
    'Warning: stack.yml:8: unknown key functions.echo.imgae (ignored)',
  ]);
  assert.equal(gw.calls.length, 2, 'echo and the image-only figlet are deployed');
  assert.equal(
    (JSON.parse(gw.calls[1]!.body) as { image: string }).image,
    'functions/figlet:0.13.0',
  );
});

test('building an image-only function names the file, the line and the missing fields', async (t) => {
  const { faas } = await project(t);
  const run = await faas(['build', '--filter', 'figlet']);
  assert.deepEqual((run.error as { problems?: string[] } | undefined)?.problems, [
    'stack.yml:12: functions.figlet.lang is required to build it (or set skip_build: true to deploy a prebuilt image)',
    'stack.yml:12: functions.figlet.handler is required to build it (or set skip_build: true to deploy a prebuilt image)',
  ]);
});
