import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStack } from '../../../cli/stack/parse.ts';

const TYPOS = `version: 1.0
provider:
  name: openfaas
  gatway: http://127.0.0.1:8080
functions:
  echo:
    lang: bash
    handler: ./echo
    image: faas/echo
    limits:
      memory: 40Mi
      gpu: 1
    imgae: faas/echo:2
    enviroment:
      A: b
configuration:
  templates:
    - name: node
      url: https://example.com
  copy: []
secrets: [x]
`;

test('unknown keys at every level are warned about with file, line and path, and ignored', () => {
  const { stack, warnings } = parseStack(TYPOS, 'stack.yml', {});
  assert.deepEqual(warnings, [
    'stack.yml:4: unknown key provider.gatway (ignored)',
    'stack.yml:12: unknown key functions.echo.limits.gpu (ignored)',
    'stack.yml:13: unknown key functions.echo.imgae (ignored)',
    'stack.yml:14: unknown key functions.echo.enviroment (ignored)',
    'stack.yml:19: unknown key configuration.templates[0].url (ignored)',
    'stack.yml:21: unknown key secrets (ignored)',
  ]);
  const [echo] = stack.functions;
  assert.equal(echo?.image, 'faas/echo');
  assert.deepEqual(echo?.environment, {});
  assert.deepEqual(echo?.limits, { memory: '40Mi' });
  assert.equal(stack.provider.gateway, undefined);
});

test('a warning does not hide the problems of the same file', () => {
  assert.throws(() => parseStack(TYPOS.replace('    image: faas/echo\n', ''), 'stack.yml', {}), {
    message: 'stack.yml:6: functions.echo.image is required (deploy needs an image name)',
  });
});

test('provider.network, from 2017 Swarm stacks, is ignored without a warning', () => {
  const { warnings } = parseStack(
    'provider:\n  name: openfaas\n  network: func_functions\nfunctions: {}\n',
    'stack.yml',
    {},
  );
  assert.deepEqual(warnings, []);
});
