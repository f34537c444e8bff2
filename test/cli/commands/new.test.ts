/** `faas new`, in-process in a temp folder: what it writes, and what it refuses before writing. */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { cliIn } from '../cli-harness.ts';

const STACK = `provider:
  name: openfaas
functions:
  echo:
    lang: bash
    handler: ./echo
    image: faas/echo:latest
configuration:
  copy: [./common]
`;

test('new writes NAME/ and NAME.yml, as faas-cli does, even where a stack.yml exists', async (t) => {
  const { dir, faas } = await cliIn(t, { OPENFAAS_URL: 'http://gw.example:8080/' });
  await writeFile(join(dir, 'stack.yml'), STACK);
  const run = await faas(['new', 'hello', '--lang', 'node-http']);
  assert.equal(run.error, undefined);
  assert.match(run.out, /Function created in folder: hello\nStack file written: hello\.yml\n/);
  assert.deepEqual(parse(await readFile(join(dir, 'hello.yml'), 'utf8')), {
    version: '1.0',
    provider: { name: 'openfaas', gateway: 'http://gw.example:8080' },
    functions: { hello: { lang: 'node-http', handler: './hello', image: 'hello:latest' } },
  });
  assert.deepEqual((await readdir(join(dir, 'hello'))).sort(), ['handler.js', 'package.json']);
  assert.equal(await readFile(join(dir, 'stack.yml'), 'utf8'), STACK, 'stack.yml untouched');

  const again = await faas(['new', 'hello2', '--lang', 'bash', '-g', 'http://other:8080']);
  assert.equal(again.error, undefined);
  assert.match(await readFile(join(dir, 'hello2.yml'), 'utf8'), /gateway: http:\/\/other:8080/);
});

test('--append adds the function under functions:, so build and deploy see it', async (t) => {
  const { dir, faas } = await cliIn(t);
  await writeFile(join(dir, 'stack.yml'), STACK);
  const run = await faas(['new', 'hello', '--lang', 'bash', '--append', 'stack.yml']);
  assert.equal(run.error, undefined);
  assert.match(run.out, /Stack file updated: stack\.yml/);
  const doc = parse(await readFile(join(dir, 'stack.yml'), 'utf8')) as {
    functions: Record<string, unknown>;
    configuration: Record<string, unknown>;
  };
  assert.deepEqual(Object.keys(doc.functions), ['echo', 'hello']);
  assert.deepEqual(doc.configuration, { copy: ['./common'] });
});

test('new refuses, before writing anything, a name in the file or not a valid name', async (t) => {
  const { dir, faas } = await cliIn(t);
  await writeFile(join(dir, 'stack.yml'), STACK);
  const cases: [string[], string][] = [
    [
      ['new', 'echo', '--lang', 'bash', '--append', 'stack.yml'],
      'function echo already exists in stack.yml: choose another name, or remove it from stack.yml first',
    ],
    [
      ['new', 'Hello_World', '--lang', 'bash'],
      'function name "Hello_World" must be lower-case letters, digits and "-", starting and ending with a letter or digit',
    ],
    [
      ['new', 'ok', '--lang', 'bash', '--append', 'stack.json'],
      '--append stack.json: must be a .yml or .yaml file',
    ],
    [['new', 'ok', '--lang', 'bash', '--append', 'nope.yml'], '--append nope.yml: no such file'],
  ];
  for (const [args, message] of cases) {
    const run = await faas(args);
    assert.equal(run.error?.message, message, args.join(' '));
  }
  assert.deepEqual((await readdir(dir)).sort(), ['stack.yml'], 'no folder or file was written');
  assert.equal(await readFile(join(dir, 'stack.yml'), 'utf8'), STACK);
  await faas(['new', 'hello', '--lang', 'bash']);
  await writeFile(join(dir, 'x.yml'), STACK);
  const twice = await faas(['new', 'hello', '--lang', 'bash', '--append', 'x.yml']);
  assert.equal(
    twice.error?.message,
    'folder ./hello already exists: choose another name or remove it',
  );
});
