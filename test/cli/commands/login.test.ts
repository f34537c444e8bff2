/** login stores what faas-cli stores, where it stores it, owner-only (CONTRACT §5.2). */
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { cliIn, recordingServer } from '../cli-harness.ts';

const token = (user: string, password: string) =>
  Buffer.from(`${user}:${password}`).toString('base64');

test('login --password-stdin checks the password, then writes ~/.openfaas/config.yml 0600', async (t) => {
  const { dir, faas } = await cliIn(t);
  const gw = await recordingServer(t, (c) => ({
    status: c.authorization === `Basic ${token('admin', 's3cret')}` ? 200 : 401,
    body: '[]',
  }));
  const run = await faas(['login', '--password-stdin', '-g', gw.url], {}, 's3cret\n');
  assert.equal(run.error, undefined);
  assert.deepEqual(
    gw.calls.map((c) => `${c.method} ${c.path}`),
    ['GET /system/functions'],
  );
  const file = join(dir, '.openfaas', 'config.yml');
  assert.deepEqual(parse(await readFile(file, 'utf8')), {
    auths: [{ gateway: gw.url, auth: 'basic', token: token('admin', 's3cret') }],
  });
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, '.openfaas'))).mode & 0o777, 0o700);

  const wrong = await faas(['login', '--password-stdin', '-g', gw.url], {}, 'nope');
  assert.equal(wrong.error?.message, 'unable to login: username or password is incorrect');
});

test('a second gateway is added, the same gateway replaced; an existing file becomes 0600', async (t) => {
  const { dir, faas } = await cliIn(t);
  const config = join(dir, 'cfg');
  await mkdir(config);
  await writeFile(
    join(config, 'config.yml'),
    'auths:\n  - gateway: http://other:8080\n    auth: basic\n    token: b3RoZXI=\n',
    { mode: 0o644 },
  );
  const gw = await recordingServer(t, () => ({ status: 200, body: '[]' }));
  const env = { OPENFAAS_CONFIG: config };
  await faas(['login', '-u', 'ops', '--password-stdin', '-g', gw.url], env, 'one');
  await faas(['login', '-u', 'ops', '--password-stdin', '-g', gw.url], env, 'two');
  const file = join(config, 'config.yml');
  assert.deepEqual(parse(await readFile(file, 'utf8')), {
    auths: [
      { gateway: 'http://other:8080', auth: 'basic', token: 'b3RoZXI=' },
      { gateway: gw.url, auth: 'basic', token: token('ops', 'two') },
    ],
  });
  assert.equal((await stat(file)).mode & 0o777, 0o600, 'a token is never left world-readable');
});
