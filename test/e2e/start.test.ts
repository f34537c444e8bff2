/**
 * `npm start` on a clean state folder: builds the four samples, starts the gateway, deploys
 * stack.yml, and each sample answers. Run twice to show it is safe to run again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import request from 'supertest';
import { eventually } from '../watchdog/harness.ts';
import { BASE_ENV, freePort, workDir } from './harness.ts';

async function start(
  t: TestContext,
  env: Record<string, string>,
): Promise<{ output: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...BASE_ENV, HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  t.after(() => child.kill('SIGKILL'));
  await eventually(() => {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${out}`);
    return out.includes('Ready.');
  }, 90_000);
  const stop = async (): Promise<void> => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { output: () => out, stop };
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
  for (let run = 1; run <= 2; run++) {
    const s = await start(t, env);
    assert.match(s.output(), new RegExp(`echo\\s+${url}/function/echo`));
    assert.match(s.output(), /Admin user: admin; password: .*basic-auth-password/);
    await request(url).post('/function/echo').send('hello').expect(200, 'hello');
    const wc = await request(url).post('/function/wordcount').send('one two three');
    assert.match(wc.text, /^\s*0\s+3\s+13\s*$/);
    const info = await request(url).get('/function/nodeinfo').expect(200);
    assert.equal(JSON.parse(info.text).node, process.version);
    const md = await request(url).post('/function/markdown').send('# Title\n\n*hi*');
    assert.equal(md.headers['content-type'], 'text/html');
    assert.match(md.text, /<h1>Title<\/h1>\s*<p><em>hi<\/em><\/p>/);
    await s.stop();
  }
});
