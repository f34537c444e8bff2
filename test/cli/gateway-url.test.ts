/** Which gateway a command talks to: CONTRACT §5.1's order, the default never winning over a set value. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_GATEWAY, chooseGateway, normaliseGateway } from '../../cli/gateway-url.ts';

const cases: [string, string | undefined, string | undefined, string | undefined, string][] = [
  ['nothing set: the default', undefined, undefined, undefined, DEFAULT_GATEWAY],
  ['OPENFAAS_URL alone', undefined, undefined, 'http://env:8080', 'http://env:8080'],
  [
    'provider.gateway beats OPENFAAS_URL',
    undefined,
    'http://stack:8080',
    'http://env:8080',
    'http://stack:8080',
  ],
  [
    '--gateway beats both',
    'http://flag:8080',
    'http://stack:8080',
    'http://env:8080',
    'http://flag:8080',
  ],
  [
    'a --gateway equal to the default does not count',
    DEFAULT_GATEWAY,
    'http://stack:8080',
    'http://env:8080',
    'http://stack:8080',
  ],
  [
    'a provider.gateway equal to the default does not count',
    undefined,
    'http://127.0.0.1:8080/',
    'http://env:8080',
    'http://env:8080',
  ],
  [
    'both defaults: OPENFAAS_URL',
    DEFAULT_GATEWAY,
    DEFAULT_GATEWAY,
    'http://env:8080',
    'http://env:8080',
  ],
  ['an empty OPENFAAS_URL is unset', undefined, undefined, '', DEFAULT_GATEWAY],
];

for (const [name, flag, stack, env, expected] of cases) {
  test(`gateway: ${name}`, () => assert.equal(chooseGateway(flag, stack, env), expected));
}

test('a gateway URL is lower-cased, its trailing slashes trimmed, http:// added', () => {
  assert.equal(normaliseGateway(' HTTP://GW.Example:8080// '), 'http://gw.example:8080');
  assert.equal(normaliseGateway('gw:8080'), 'http://gw:8080');
  assert.equal(normaliseGateway('https://gw'), 'https://gw');
});
