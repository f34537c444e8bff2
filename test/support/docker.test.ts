import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import {
  demuxLogs,
  dockerAvailable,
  dockerClient,
  ensureNodeBaseImage,
  requireDocker,
  runContainer,
  splitImageTag,
} from './docker.ts';

test('the Node base image runs the host Node version and forks cat', async (t) => {
  const docker = await requireDocker(t);
  if (!docker) return;
  const image = await ensureNodeBaseImage(docker);
  const script =
    "process.stdout.write(process.version + '\\n');" +
    "process.stdout.write(require('node:child_process').execFileSync('cat', { input: 'piped through cat' }));";
  const run = await runContainer(t, docker, image, ['node', '-e', script]);
  assert.deepEqual(run, {
    exitCode: 0,
    stdout: `${process.version}\npiped through cat`,
    stderr: '',
  });
});

test('the Node base image has a world-writable /tmp and an /etc/passwd', async (t) => {
  const docker = await requireDocker(t);
  if (!docker) return;
  const image = await ensureNodeBaseImage(docker);
  const script =
    "const fs = require('node:fs');" +
    "console.log((fs.statSync('/tmp').mode & 0o7777).toString(8));" +
    "console.log(fs.readFileSync('/etc/passwd', 'utf8').split('\\n')[0]);";
  const run = await runContainer(t, docker, image, ['node', '-e', script]);
  assert.equal(run.stdout, '1777\nroot:x:0:0:root:/root:/usr/sbin/nologin\n');
});

test('an engine that does not answer is reported with its address', async () => {
  const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
  const availability = await dockerAvailable(dockerClient(env), env);
  assert.equal(availability.ok, false);
  assert.match(
    availability.ok ? '' : availability.reason,
    /unix:\/\/\/nonexistent\/docker\.sock is unavailable: .*ENOENT/,
  );
});

test('requireDocker skips outside CI and fails in CI when no engine answers', async () => {
  const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
  const skipped: string[] = [];
  // A stub context, so that this run itself reports no skipped test.
  const t = { skip: (message: string) => void skipped.push(message) } as unknown as TestContext;
  assert.equal(await requireDocker(t, env), undefined);
  assert.equal(skipped.length, 1);
  assert.match(
    skipped[0] ?? '',
    /unavailable: .*ENOENT.*; start dockerd: bash scripts\/services\.sh/,
  );
  skipped.length = 0;
  await assert.rejects(requireDocker(t, { ...env, CI: 'true' }), /unavailable: .*; start dockerd/);
  assert.deepEqual(skipped, []);
});

test('splitImageTag and demuxLogs', () => {
  assert.deepEqual(splitImageTag('faas/node-base:20'), { repo: 'faas/node-base', tag: '20' });
  assert.deepEqual(splitImageTag('127.0.0.1:5000/fn'), {
    repo: '127.0.0.1:5000/fn',
    tag: 'latest',
  });
  const frame = (stream: number, text: string): Buffer => {
    const header = Buffer.alloc(8);
    header[0] = stream;
    header.writeUInt32BE(Buffer.byteLength(text), 4);
    return Buffer.concat([header, Buffer.from(text)]);
  };
  const logs = Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]);
  assert.deepEqual(demuxLogs(logs), { stdout: 'out1 out2', stderr: 'err' });
});
