/** The CLI's failures: one clear line on stderr, a non-zero exit, no stack trace by default. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { ADMIN, BASE_ENV, freePort, startGateway, workDir } from './harness.ts';

const CLI = resolve('dist/faas.mjs');
const faas = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...BASE_ENV, OPENFAAS_CONFIG: join(cwd, 'cfg'), ...env },
    encoding: 'utf8',
  });

test('stack file and build mistakes name the file, the line and the fix', (t) => {
  const dir = workDir(t);
  const cases: [string, string | undefined, string[], RegExp][] = [
    ['no stack file', undefined, ['deploy'], /stack\.yml.*stack\.yaml.*faas new NAME --lang node/s],
    ['malformed YAML', 'functions:\n  a: [1\n', ['build'], /stack\.yml:\d+:/],
    [
      'a function without image',
      'provider:\n  name: openfaas\nfunctions:\n  fn:\n    lang: bash\n    handler: ./fn\n',
      ['build'],
      /stack\.yml:4: functions\.fn\.image is required|stack\.yml:\d+:.*image/,
    ],
    [
      'an unknown template',
      'provider:\n  name: openfaas\nfunctions:\n  fn:\n    lang: cobol\n    handler: ./fn\n    image: fn:1\n',
      ['build'],
      /unknown template "cobol": choose one of bash, dockerfile, node, node-http/,
    ],
    [
      'a missing handler folder',
      'provider:\n  name: openfaas\nfunctions:\n  fn:\n    lang: bash\n    handler: ./nowhere\n    image: fn:1\n',
      ['build'],
      /fn: handler folder .*nowhere does not exist/,
    ],
  ];
  for (const [why, stack, args, message] of cases) {
    if (stack !== undefined) writeFileSync(join(dir, 'stack.yml'), stack);
    const r = faas(dir, args);
    assert.notEqual(r.status, 0, why);
    assert.match(r.stderr, message, why);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${why}: no stack trace`);
  }
  const debug = faas(dir, ['build'], { FAAS_DEBUG: '1' });
  assert.match(debug.stderr, /\n\s+at /, 'FAAS_DEBUG=1 shows the stack');
});

test('a stack file with several problems: the first, and how many more, on one line', (t) => {
  const dir = workDir(t);
  writeFileSync(
    join(dir, 'stack.yml'),
    'version: 3\nprovider: {name: openfaas}\nfunctions:\n  a: {labels: [x]}\n',
  );
  const r = faas(dir, ['deploy']);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    'Error: stack.yml:1: version must be 1.0, was "3" (and 2 more; FAAS_DEBUG=1 lists all)\n',
  );
  const all = faas(dir, ['deploy'], { FAAS_DEBUG: '1' });
  assert.match(all.stderr, /stack\.yml:4: functions\.a\.image is required/);
  assert.match(all.stderr, /stack\.yml:4: functions\.a\.labels must be a map of strings/);
});

test('faas new refuses a name the stack file has, in one line, with a non-zero exit', (t) => {
  const dir = workDir(t);
  const stack = 'provider: {name: openfaas}\nfunctions:\n  echo: {image: e}\nconfiguration: {}\n';
  writeFileSync(join(dir, 'stack.yml'), stack);
  const r = faas(dir, ['new', 'echo', '--lang', 'bash', '--append', 'stack.yml']);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    'Error: function echo already exists in stack.yml: choose another name, or remove it from stack.yml first\n',
  );
  assert.equal(readFileSync(join(dir, 'stack.yml'), 'utf8'), stack);
  assert.equal(existsSync(join(dir, 'echo')), false);
});

test('a failed build shows the last lines of its output', (t) => {
  const dir = workDir(t);
  mkdirSync(join(dir, 'fn'));
  writeFileSync(join(dir, 'fn', 'handler.js'), 'module.exports = async () => 1;\n');
  writeFileSync(
    join(dir, 'fn', 'package.json'),
    JSON.stringify({ dependencies: { 'faas-no-such-package-xyz': 'file:./missing.tgz' } }),
  );
  writeFileSync(
    join(dir, 'stack.yml'),
    'provider:\n  name: openfaas\nfunctions:\n  fn:\n    lang: node\n    handler: ./fn\n    image: fn:1\n',
  );
  const r = faas(dir, ['build']);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    /npm install failed in .* \(exit \d+\):\n.*(ENOENT|missing-dir|Could not install)/s,
  );
});

test('401 suggests faas login; an unreachable gateway names the URL and npm start', async (t) => {
  const dir = workDir(t);
  const port = await freePort();
  await startGateway(t, dir, port);
  const url = `http://127.0.0.1:${port}`;
  const r = faas(dir, ['list'], { OPENFAAS_URL: url });
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `Error: unauthorized (401) on listing functions: log in with \`faas login -g ${url} --password-stdin\`\n`,
  );
  const wrong = spawnSync(process.execPath, [CLI, 'login', '--password-stdin', '-g', url], {
    cwd: dir,
    env: { ...BASE_ENV, OPENFAAS_CONFIG: join(dir, 'cfg') },
    input: `not-${ADMIN.password}`,
    encoding: 'utf8',
  });
  assert.match(wrong.stderr, /username or password is incorrect/);
});
