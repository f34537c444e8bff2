import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { parseEnvironmentFile } from '../../../cli/stack/environment-file.ts';
import { loadStack } from '../../../cli/stack/load.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'faas-stack-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function files(dir: string, contents: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(contents)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

const stackWith = (image: string) =>
  `provider: {name: openfaas}\nfunctions:\n  a: {image: ${image}, skip_build: true}\n`;

test('without -f, stack.yml is read', async (t) => {
  const dir = await tempDir(t);
  await files(dir, { 'stack.yml': stackWith('from-yml'), 'stack.yaml': stackWith('from-yaml') });
  const loaded = await loadStack({ cwd: dir, env: {} });
  assert.equal(loaded.file, 'stack.yml');
  assert.equal(loaded.path, join(dir, 'stack.yml'));
  assert.equal(loaded.stack.functions[0]?.image, 'from-yml');
});

test('without -f and without stack.yml, stack.yaml is read', async (t) => {
  const dir = await tempDir(t);
  await files(dir, { 'stack.yaml': stackWith('from-yaml') });
  const loaded = await loadStack({ cwd: dir, env: {} });
  assert.equal(loaded.file, 'stack.yaml');
  assert.equal(loaded.stack.functions[0]?.image, 'from-yaml');
});

test('without any stack file, the error names both defaults and how to create one', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(loadStack({ cwd: dir, env: {} }), {
    name: 'StackError',
    code: 'STACK_NOT_FOUND',
    message: `no stack file: neither stack.yml nor stack.yaml is in ${dir}; pass one with -f FILE, or faas new NAME --lang node creates one`,
  });
});

test('-f is read relative to cwd and named as given in messages', async (t) => {
  const dir = await tempDir(t);
  await files(dir, { 'deploy/prod.yml': 'provider: {name: openfaas}\nfunctions: [x]\n' });
  await assert.rejects(loadStack({ cwd: dir, file: 'deploy/prod.yml', env: {} }), {
    code: 'STACK_INVALID',
    message: 'deploy/prod.yml:2: functions must be a map from function name to its settings',
  });
});

test('a missing -f file names the path it looked for', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(loadStack({ cwd: dir, file: 'nope.yml', env: {} }), {
    code: 'STACK_NOT_FOUND',
    message: `stack file nope.yml not found (looked for ${join(dir, 'nope.yml')}); check the -f path, or faas new NAME --lang node creates one`,
  });
});

test('a URL for -f is refused with the fix', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(loadStack({ cwd: dir, file: 'https://example.com/stack.yml', env: {} }), {
    code: 'STACK_URL_UNSUPPORTED',
    message:
      '-f https://example.com/stack.yml: a URL is not supported for the stack file; download it and pass the local path',
  });
});

test('a -f that is a folder is STACK_UNREADABLE', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'stack.yml'));
  await assert.rejects(loadStack({ cwd: dir, env: {} }), { code: 'STACK_UNREADABLE' });
});

test('the environment is substituted into the stack file', async (t) => {
  const dir = await tempDir(t);
  await files(dir, { 'stack.yml': stackWith('${REGISTRY:-docker.io}/a:${TAG}') });
  const loaded = await loadStack({ cwd: dir, env: { TAG: '7' } });
  assert.equal(loaded.stack.functions[0]?.image, 'docker.io/a:7');
});

const WITH_ENV_FILES = `provider: {name: openfaas}
functions:
  api:
    image: api
    skip_build: true
    environment: {LEVEL: stack, ONLY_STACK: "1", OVERRIDDEN: stack}
    environment_file: [env/common.yml, env/api.yml]
  worker:
    image: worker
    skip_build: true
    environment_file: [env/common.yml]
`;

test('environment_file entries, relative to the stack file, overlay environment in order', async (t) => {
  const dir = await tempDir(t);
  await files(dir, {
    'project/stack.yml': WITH_ENV_FILES,
    'project/env/common.yml': 'environment:\n  LEVEL: common\n  OVERRIDDEN: common\n  PORT: 8080\n',
    'project/env/api.yml': 'environment:\n  OVERRIDDEN: api\n',
  });
  const loaded = await loadStack({ cwd: dir, file: 'project/stack.yml', env: {} });
  assert.deepEqual(loaded.warnings, []);
  const [api, worker] = loaded.stack.functions;
  assert.deepEqual(api?.environment, {
    LEVEL: 'common',
    ONLY_STACK: '1',
    OVERRIDDEN: 'api',
    PORT: '8080',
  });
  assert.deepEqual(worker?.environment, { LEVEL: 'common', OVERRIDDEN: 'common', PORT: '8080' });
});

test('a missing environment_file is reported at the function that names it', async (t) => {
  const dir = await tempDir(t);
  await files(dir, { 'stack.yml': WITH_ENV_FILES, 'env/common.yml': 'environment: {A: b}\n' });
  await assert.rejects(loadStack({ cwd: dir, env: {} }), {
    code: 'STACK_UNREADABLE',
    message: `stack.yml:3: functions.api.environment_file: env/api.yml does not exist (looked for ${join(dir, 'env/api.yml')})`,
  });
});

test('a malformed environment_file reports its own file and line, once', async (t) => {
  const dir = await tempDir(t);
  await files(dir, {
    'stack.yml': WITH_ENV_FILES,
    'env/common.yml': 'environment:\n  OK: yes\n  LIST: [a]\n',
    'env/api.yml': 'environment: {}\n',
  });
  await assert.rejects(loadStack({ cwd: dir, env: {} }), {
    code: 'STACK_INVALID',
    message: 'env/common.yml:3: environment.LIST must be a string',
  });
});

test('parseEnvironmentFile warns about a file without environment: and unknown keys', () => {
  assert.deepEqual(parseEnvironmentFile('env:\n  A: b\n', 'e.yml'), {
    environment: {},
    warnings: [
      'e.yml:1: unknown key env (ignored)',
      'e.yml:1: no environment: map, so this file sets no variables',
    ],
  });
  assert.throws(() => parseEnvironmentFile('environment: [a\n', 'e.yml'), {
    code: 'STACK_SYNTAX',
  });
  assert.throws(() => parseEnvironmentFile('- a\n', 'e.yml'), {
    message: 'e.yml:1: an environment file must be a map with an environment: map',
  });
});
