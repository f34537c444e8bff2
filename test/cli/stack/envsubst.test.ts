import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envsubst } from '../../../cli/stack/parse.ts';

const ENV = { REGISTRY: 'ttl.sh', EMPTY: '', TAG: '1.2', WITH_SPACE: 'a b' };

const cases: [name: string, input: string, expected: string][] = [
  ['a set variable', 'image: ${REGISTRY}/echo', 'image: ttl.sh/echo'],
  ['an unset variable is empty', 'image: ${MISSING}/echo', 'image: /echo'],
  ['several in one line', '${REGISTRY}/echo:${TAG}', 'ttl.sh/echo:1.2'],
  ['a default when unset', '${MISSING:-docker.io}', 'docker.io'],
  ['a default when empty', '${EMPTY:-fallback}', 'fallback'],
  ['no default when set', '${TAG:-latest}', '1.2'],
  ['an empty default', 'x${MISSING:-}y', 'xy'],
  ['a default with spaces and colons', '${MISSING:-http://gw:8080/x y}', 'http://gw:8080/x y'],
  ['a value with a space is inserted as is', 'v: ${WITH_SPACE}', 'v: a b'],
  [
    '$VAR without braces is left alone',
    'fprocess: sh -c "echo $HOME"',
    'fprocess: sh -c "echo $HOME"',
  ],
  ['$${VAR} escapes to a literal ${VAR}', 'a: $${REGISTRY}', 'a: ${REGISTRY}'],
  ['other shell forms are left alone', '${REGISTRY=x} ${#TAG}', '${REGISTRY=x} ${#TAG}'],
  ['an invalid name is left alone', '${1X} ${A-B}', '${1X} ${A-B}'],
  ['an unclosed reference is left alone', 'x: ${REGISTRY', 'x: ${REGISTRY'],
  ['substitution spans lines', 'a: ${TAG}\nb: ${TAG}\n', 'a: 1.2\nb: 1.2\n'],
  ['text without references is unchanged', 'plain: text # $ { }', 'plain: text # $ { }'],
];

for (const [name, input, expected] of cases) {
  test(`envsubst: ${name}`, () => assert.equal(envsubst(input, ENV), expected));
}

test('envsubst does not substitute inside substituted values', () => {
  assert.equal(envsubst('${A}', { A: '${B}', B: 'no' }), '${B}');
});
