/**
 * The faas CLI as a subprocess against the real gateway (local provider): login, deploy,
 * list, describe, invoke, logs, secrets a function reads, remove, and the failures users hit.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { writeImage } from '../../gateway/providers/local/index.ts';
import { eventually } from '../watchdog/harness.ts';
import { ADMIN, BASE_ENV, freePort, startGateway, workDir } from './harness.ts';

const CLI = resolve('dist/faas.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function faas(cwd: string, env: Record<string, string>, args: string[], stdin = ''): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...BASE_ENV, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

test('login, deploy, list, describe, invoke, logs, secrets, remove', async (t) => {
  const dir = workDir(t);
  // Reads its secret where the local provider puts it (FAAS_SECRETS_DIR), else OpenFaaS's path.
  await writeImage(
    join(dir, '.faas/images'),
    'faas/greet:1',
    { fprocess: 'sh greet.sh' },
    {
      'greet.sh':
        'name=$(cat)\nkey=$(cat "${FAAS_SECRETS_DIR:-/var/openfaas/secrets}/api-key")\necho "hello $name ($key)"\n',
    },
  );
  const port = await freePort();
  await startGateway(t, dir, port);
  const env = {
    OPENFAAS_URL: `http://127.0.0.1:${port}`,
    OPENFAAS_CONFIG: join(dir, 'cli-config'),
  };
  const run = (args: string[], stdin?: string) => faas(dir, env, args, stdin);

  const noLogin = await run(['list']);
  assert.equal(noLogin.code, 1);
  assert.match(
    noLogin.stderr,
    /^Error: unauthorized \(401\) on listing functions: log in with `faas login/,
  );

  const bad = await run(['login', '--password-stdin'], 'wrong');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /username or password is incorrect/);
  const login = await run(['login', '-u', ADMIN.user, '--password-stdin'], `${ADMIN.password}\n`);
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /credentials saved for admin http:\/\/127\.0\.0\.1:/);

  const secret = await run(['secret', 'create', 'api-key', '--from-literal', 'k-123']);
  assert.equal(secret.code, 0, secret.stderr);
  const dup = await run(['secret', 'create', 'api-key', '--from-literal', 'x']);
  assert.match(dup.stderr, /already exists/);

  const deploy = await run([
    'deploy',
    '--image',
    'faas/greet:1',
    '--name',
    'greet',
    '--secret',
    'api-key',
    '--label',
    'team=a',
  ]);
  assert.equal(deploy.code, 0, deploy.stderr);
  assert.match(
    deploy.stdout,
    /Deployed\. 202 Accepted\.\nURL: http:\/\/127\.0\.0\.1:\d+\/function\/greet/,
  );
  assert.equal((await run(['ready', 'greet'])).code, 0);

  const list = await run(['list', '-v']);
  assert.match(list.stdout, /^Function\s+\tImage\s+\tInvocations\s+\tReplicas/);
  assert.match(list.stdout, /greet\s+\tfaas\/greet:1\s+\t0\s+\t1/);
  const json = JSON.parse((await run(['list', '--json'])).stdout) as {
    name: string;
    labels: Record<string, string>;
  }[];
  assert.equal(json[0]?.labels.team, 'a');

  const invoke = await run(['invoke', 'greet'], 'world');
  assert.equal(invoke.code, 0, invoke.stderr);
  assert.equal(invoke.stdout, 'hello world (k-123)\n');

  const describe = await run(['describe', 'greet']);
  assert.match(describe.stdout, /Invocations:\s+1\n/);
  assert.match(describe.stdout, /Available replicas:\s+1\n/);

  await checkLogs(dir, env);

  await run(['secret', 'update', 'api-key', '--from-literal', 'k-456']);
  assert.equal((await run(['invoke', 'greet'], 'again')).stdout, 'hello again (k-456)\n');
  assert.match((await run(['secret', 'list'])).stdout, /^NAME\napi-key\n$/);

  assert.equal((await run(['remove', 'greet'])).code, 0);
  const gone = await run(['describe', 'greet']);
  assert.equal(gone.code, 1);
  assert.equal(gone.stderr, 'Error: no such function: greet\n');
  const removeAgain = await run(['remove', 'greet']);
  assert.match(removeAgain.stderr, /No existing function to remove: greet/);
});

/** faas-cli's logs flags against the real gateway: --tail is follow, --lines is tail, --since. */
async function checkLogs(dir: string, env: Record<string, string>): Promise<void> {
  const run = (args: string[], stdin?: string) => faas(dir, env, args, stdin);
  const logs = await run(['logs', 'greet', '--tail=false', '--lines', '50']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /greet \(.+\) .*Forking fprocess\./);
  const lines = (r: Run): string[] => r.stdout.split('\n').filter(Boolean);
  assert.ok(lines(logs).length > 1);
  assert.equal(lines(await run(['logs', 'greet', '--tail=false', '--lines', '1'])).length, 1);
  assert.deepEqual(
    lines(await run(['logs', 'greet', '--tail=false', '--since', '1h'])),
    lines(logs),
  );
  const future = new Date(Date.now() + 3_600_000).toISOString();
  const none = await run([
    'logs',
    'greet',
    '--tail=false',
    '--since-time',
    future,
    '--since',
    '1h',
  ]);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, '', '--since-time wins over --since');

  const debug = await faas(dir, { ...env, FAAS_DEBUG: '1' }, [
    'logs',
    'greet',
    '--tail=false',
    '--lines',
    '2',
  ]);
  assert.match(
    debug.stderr,
    /GET http:\/\/127\.0\.0\.1:\d+\/system\/logs\?name=greet&follow=false&tail=2 /,
  );

  // --tail defaults to true: the stream stays open and shows the next call's lines
  const follow = spawn(process.execPath, [CLI, 'logs', 'greet'], { env: { ...BASE_ENV, ...env } });
  let followed = '';
  follow.stdout.on('data', (c: Buffer) => (followed += c.toString()));
  const forks = (): number => followed.split('Forking fprocess.').length - 1;
  try {
    await eventually(() => forks() > 0, 5000);
    const before = forks();
    await run(['invoke', 'greet'], 'again');
    await eventually(() => forks() > before, 5000);
  } finally {
    follow.kill();
  }
}

test('failures are one line on stderr with a non-zero exit', async (t) => {
  const dir = workDir(t);
  const env = { OPENFAAS_URL: 'http://127.0.0.1:1', OPENFAAS_CONFIG: join(dir, 'cfg') };
  const down = await faas(dir, env, ['list']);
  assert.equal(down.code, 1);
  assert.match(
    down.stderr,
    /^Error: cannot reach the gateway at http:\/\/127\.0\.0\.1:1 \(.+\): is it running\? Start one with `npm start`\n$/,
  );
  const half = await faas(dir, env, ['deploy', '--image', 'x']);
  assert.match(half.stderr, /needs both --image and --name/);
  const usage: [string[], string][] = [
    [['frobnicate'], "Error: unknown command 'frobnicate'\n"],
    [['lst'], "Error: unknown command 'lst' (Did you mean one of list, ls?)\n"],
    [['list', '--gatewy', 'x'], "Error: unknown option '--gatewy' (Did you mean --gateway?)\n"],
    [['new', 'x'], "Error: required option '--lang <template>' not specified\n"],
    [
      ['logs', 'greet', '--tail', '50'],
      "Error: option '-t, --tail [bool]' argument '50' is invalid. Use true or false (for the last N lines: --lines N).\n",
    ],
  ];
  for (const [args, stderr] of usage) {
    const r = await faas(dir, env, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stderr, stderr, 'one line, no help hint');
  }
  // a command with subcommands run alone is a request for its help, as with faas-cli
  for (const args of [[], ['secret']]) {
    const help = await faas(dir, env, args);
    assert.deepEqual([help.code, help.stderr], [0, ''], args.join(' '));
    assert.match(help.stdout, /^Usage: faas /);
  }
});

test('new → up → invoke → list → remove, from a template, against the real gateway', async (t) => {
  const dir = workDir(t);
  const port = await freePort();
  await startGateway(t, dir, port);
  const env = {
    OPENFAAS_URL: `http://127.0.0.1:${port}`,
    OPENFAAS_CONFIG: join(dir, 'cli-config'),
  };
  const run = (args: string[], stdin?: string) => faas(dir, env, args, stdin);
  assert.equal((await run(['login', '--password-stdin'], ADMIN.password)).code, 0);

  // the README's example, run where a stack.yml already exists, as in the repository's root
  copyFileSync('stack.yml', join(dir, 'stack.yml'));
  const readme = /^npm run faas -- (new .*) && npm run faas -- (up .*)$/m.exec(
    readFileSync('README.md', 'utf8'),
  );
  assert.ok(readme, 'README shows `npm run faas -- new … && npm run faas -- up …`');
  const created = await run(readme[1]!.split(' '));
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /Function created in folder: hello\nStack file written: hello\.yml/);
  const up = await run([...readme[2]!.split(' '), '--skip-push']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /built hello:latest into the local image store/);
  assert.match(up.stdout, /Deployed\. 202 Accepted\./);
  assert.equal((await run(['ready', 'hello'])).code, 0);

  const out = await run(['invoke', 'hello', '--method', 'PUT', '--query', 'x=1'], 'abc');
  assert.equal(out.code, 0, out.stderr);
  assert.deepEqual(JSON.parse(out.stdout), { method: 'PUT', path: '/', length: 3 });
  assert.match((await run(['list'])).stdout, /hello\s+\t1\s+\t1/);
  assert.equal((await run(['remove', 'hello'])).code, 0);
});
