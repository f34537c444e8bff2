/**
 * `npm start` on a clean state folder: builds the four samples, starts the gateway, deploys
 * stack.yml, and each sample answers. Run again while it runs (deploys to the running gateway)
 * and after it stopped (starts it again) to show it is safe to run again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import request from 'supertest';
import { eventually } from '../watchdog/harness.ts';
import { BASE_ENV, freePort, workDir } from './harness.ts';

function spawnStart(
  t: TestContext,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...BASE_ENV, HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  // SIGTERM first: start.mjs passes it to the gateway it started, which SIGKILL would orphan
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  return { child, output: () => out };
}

/** npm start that starts the gateway: ready, and stopped by SIGTERM. */
async function start(
  t: TestContext,
  env: Record<string, string>,
): Promise<{ output: () => string; stop: () => Promise<void> }> {
  const { child, output } = spawnStart(t, env);
  await eventually(() => {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output()}`);
    return output().includes('Ready.');
  }, 90_000);
  const stop = async (): Promise<void> => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { output, stop };
}

async function samplesAnswer(url: string): Promise<void> {
  await request(url).post('/function/echo').send('hello').expect(200, 'hello');
  const wc = await request(url).post('/function/wordcount').send('one two three');
  assert.match(wc.text, /^\s*0\s+3\s+13\s*$/);
  const info = await request(url).get('/function/nodeinfo').expect(200);
  assert.equal(JSON.parse(info.text).node, process.version);
  const md = await request(url).post('/function/markdown').send('# Title\n\n*hi*');
  assert.equal(md.headers['content-type'], 'text/html');
  assert.match(md.text, /<h1>Title<\/h1>\s*<p><em>hi<\/em><\/p>/);
}

test('npm start builds, runs and deploys the four samples; running it again is fine', async (t) => {
  const dir = workDir(t);
  const port = await freePort();
  const env = {
    port: String(port),
    state_dir: join(dir, 'state'),
    OPENFAAS_CONFIG: join(dir, 'cli'),
  };
  const url = `http://127.0.0.1:${port}`;
  const first = await start(t, { ...env, admin_user: 'ops' });
  assert.match(first.output(), new RegExp(`echo\\s+${url}/function/echo`));
  assert.match(first.output(), /Admin user: ops; password: .*basic-auth-password/);
  await samplesAnswer(url);

  // while it runs: build and deploy to it, no second gateway; the user from its user file
  const again = spawnStart(t, env);
  const code = await new Promise((r) => again.child.once('exit', r));
  assert.equal(code, 0, again.output());
  assert.match(again.output(), /already running on .*: deployed to it/);
  assert.match(again.output(), new RegExp(`echo\\s+${url}/function/echo`));
  assert.match(again.output(), /Admin user: ops; password: .*basic-auth-password/);
  assert.doesNotMatch(again.output(), /EADDRINUSE|listening on/);
  await samplesAnswer(url);
  await first.stop();

  const restarted = await start(t, env);
  assert.match(restarted.output(), /faas is running on/);
  await samplesAnswer(url);
  await restarted.stop();
});
