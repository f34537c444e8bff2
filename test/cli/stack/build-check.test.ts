import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertBuildable, buildProblems } from '../../../cli/stack/build-check.ts';
import { StackError } from '../../../cli/stack/errors.ts';
import { parseStack } from '../../../cli/stack/parse.ts';

const FIX = '(or set skip_build: true to deploy a prebuilt image)';

/** The functions of a stack with one function `fn` (on line 3) having these settings. */
const fn = (settings: string) =>
  parseStack(`provider: {name: openfaas}\nfunctions:\n  fn: {${settings}}\n`, 'stack.yml', {}).stack
    .functions;

const cases: { name: string; settings: string; problems: string[] }[] = [
  {
    name: 'an image alone cannot be built',
    settings: 'image: a',
    problems: [
      `stack.yml:3: functions.fn.lang is required to build it ${FIX}`,
      `stack.yml:3: functions.fn.handler is required to build it ${FIX}`,
    ],
  },
  {
    name: 'a lang without a handler folder',
    settings: 'image: a, lang: node',
    problems: [`stack.yml:3: functions.fn.handler is required to build it ${FIX}`],
  },
  {
    name: 'a handler without a lang',
    settings: 'image: a, handler: ./fn',
    problems: [`stack.yml:3: functions.fn.lang is required to build it ${FIX}`],
  },
  { name: 'lang and handler', settings: 'image: a, lang: node, handler: ./fn', problems: [] },
  { name: 'skip_build: true needs neither', settings: 'image: a, skip_build: true', problems: [] },
  {
    name: 'skip_build: true with a lang but no handler',
    settings: 'image: a, lang: node, skip_build: true',
    problems: [],
  },
];

for (const c of cases) {
  test(`build check: ${c.name}`, () => {
    assert.deepEqual(buildProblems('stack.yml', fn(c.settings)), c.problems);
  });
}

test('assertBuildable throws every problem as one STACK_INVALID', () => {
  assert.throws(
    () => assertBuildable('stack.yml', fn('image: a')),
    (err: unknown) =>
      err instanceof StackError && err.code === 'STACK_INVALID' && err.problems.length === 2,
  );
  assert.doesNotThrow(() => assertBuildable('stack.yml', fn('image: a, skip_build: true')));
});
