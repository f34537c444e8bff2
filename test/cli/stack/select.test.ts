import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StackError } from '../../../cli/stack/errors.ts';
import { globMatcher, selectFunctions } from '../../../cli/stack/select.ts';

const FUNCTIONS = ['echo', 'echo-v2', 'wordcount', 'nodeinfo', 'markdown'].map((name) => ({
  name,
}));
const names = (selection: Parameters<typeof selectFunctions>[1]) =>
  selectFunctions(FUNCTIONS, selection).map((f) => f.name);

test('without --filter or --regex every function is selected, in order', () => {
  assert.deepEqual(names({}), ['echo', 'echo-v2', 'wordcount', 'nodeinfo', 'markdown']);
});

test('--filter matches the whole name, with * for any run of characters', () => {
  assert.deepEqual(names({ filter: 'echo' }), ['echo']);
  assert.deepEqual(names({ filter: 'echo*' }), ['echo', 'echo-v2']);
  assert.deepEqual(names({ filter: '*c*' }), ['echo', 'echo-v2', 'wordcount']);
  assert.deepEqual(names({ filter: '*' }), names({}));
});

test('--filter treats regex characters literally', () => {
  assert.equal(globMatcher('a.b')('axb'), false);
  assert.equal(globMatcher('a.b')('a.b'), true);
  assert.equal(globMatcher('(x)*')('(x)y'), true);
});

test('--regex finds a match anywhere in the name, unless anchored', () => {
  assert.deepEqual(names({ regex: 'c' }), ['echo', 'echo-v2', 'wordcount']);
  assert.deepEqual(names({ regex: '^echo$' }), ['echo']);
  assert.deepEqual(names({ regex: 'v[0-9]$|^mark' }), ['echo-v2', 'markdown']);
});

test('--filter and --regex together are refused', () => {
  assert.throws(() => names({ filter: 'a', regex: 'b' }), {
    code: 'STACK_SELECT',
    message: '--filter and --regex cannot be used together; pick one',
  });
});

test('a selection that matches nothing names the flag and the pattern', () => {
  assert.throws(() => names({ filter: 'ecko' }), {
    code: 'STACK_SELECT',
    message: 'no function in the stack file matches --filter "ecko"',
  });
  assert.throws(() => names({ regex: '^x' }), {
    message: 'no function in the stack file matches --regex "^x"',
  });
});

test('an invalid --regex is a StackError naming the flag', () => {
  assert.throws(
    () => names({ regex: '(' }),
    (err: unknown) =>
      err instanceof StackError &&
      err.code === 'STACK_SELECT' &&
      err.message.startsWith('--regex "(" is not a valid regular expression: '),
  );
});
