import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendFunction } from '../../../cli/stack/append.ts';
import { parseStack } from '../../../cli/stack/parse.ts';

const HELLO = { lang: 'node-http', handler: './hello', image: 'hello:latest' };

const WITH_CONFIGURATION = `# the team's functions
version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  # the sample
  echo:
    lang: bash
    handler: ./echo
    image: faas/echo:latest # pinned by CI
configuration:
  copy:
    - ./common
`;

test('the function goes under functions:, not under a configuration: block at the end', () => {
  const text = appendFunction(WITH_CONFIGURATION, 'stack.yml', 'hello', HELLO);
  const { stack } = parseStack(text, 'stack.yml', {});
  assert.deepEqual(
    stack.functions.map((f) => [f.name, f.lang, f.handler, f.image]),
    [
      ['echo', 'bash', './echo', 'faas/echo:latest'],
      ['hello', 'node-http', './hello', 'hello:latest'],
    ],
  );
  assert.deepEqual(stack.configuration.copy, ['./common']);
  assert.equal(
    text,
    WITH_CONFIGURATION.replace(
      'configuration:',
      '  hello:\n    lang: node-http\n    handler: ./hello\n    image: hello:latest\nconfiguration:',
    ),
    'comments, order and the other sections are kept as written',
  );
});

test('a name the file already has is refused, naming the file', () => {
  assert.throws(() => appendFunction(WITH_CONFIGURATION, 'stack.yml', 'echo', HELLO), {
    message:
      'function echo already exists in stack.yml: choose another name, or remove it from stack.yml first',
  });
});

test('a file with an empty or no functions: gets one', () => {
  for (const text of ['provider: {name: openfaas}\nfunctions:\n', 'provider: {name: openfaas}\n']) {
    const { stack } = parseStack(appendFunction(text, 's.yml', 'hello', HELLO), 's.yml', {});
    assert.deepEqual(
      stack.functions.map((f) => f.name),
      ['hello'],
    );
  }
});

test('a file that is not a stack is refused in one line', () => {
  const cases: [string, RegExp][] = [
    ['functions: [a\n', /^--append s\.yml: not valid YAML \(s\.yml:\d+: .*\)$/],
    ['- a\n- b\n', /^--append s\.yml: not a stack file \(its top level is not a map\)$/],
    ['functions: [a, b]\n', /^--append s\.yml: functions is not a map, so hello cannot be added$/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => appendFunction(text, 's.yml', 'hello', HELLO), { message });
  }
});
