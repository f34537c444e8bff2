import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StackError } from '../../../cli/stack/errors.ts';
import type { StackErrorCode } from '../../../cli/stack/errors.ts';
import { parseStack } from '../../../cli/stack/parse.ts';

/**
 * A stack whose function `echo` has the given lines. Lines 1-4 are the header, so the
 * function's first setting is on line 5.
 */
function echo(...settings: string[]): string {
  return ['provider:', '  name: openfaas', 'functions:', '  echo:']
    .concat(settings.map((line) => `    ${line}`))
    .join('\n');
}

const BUILT = ['lang: bash', 'handler: ./echo', 'image: faas/echo'];

const invalid: { name: string; yaml: string; code?: StackErrorCode; problems: string[] }[] = [
  {
    name: 'labels as a list',
    yaml: echo(...BUILT, 'labels: [a, b]'),
    problems: ['stack.yml:8: functions.echo.labels must be a map of strings'],
  },
  {
    name: 'a label value that is a map',
    yaml: echo(...BUILT, 'labels:', '  ok: "1"', '  nested: {a: b}'),
    problems: ['stack.yml:10: functions.echo.labels.nested must be a string'],
  },
  {
    name: 'an environment value that is a list',
    yaml: echo(...BUILT, 'environment:', '  PATHS: [a, b]'),
    problems: ['stack.yml:9: functions.echo.environment.PATHS must be a string'],
  },
  {
    name: 'annotations as a string',
    yaml: echo(...BUILT, 'annotations: topic=cron'),
    problems: ['stack.yml:8: functions.echo.annotations must be a map of strings'],
  },
  {
    name: 'no image',
    yaml: echo('lang: bash', 'handler: ./echo'),
    problems: ['stack.yml:4: functions.echo.image is required (deploy needs an image name)'],
  },
  {
    name: 'an image from an unset ${VAR}',
    yaml: echo('lang: bash', 'handler: ./echo', 'image: ${IMAGE}'),
    problems: ['stack.yml:4: functions.echo.image is required (deploy needs an image name)'],
  },
  {
    name: 'skip_build that is not a boolean',
    yaml: echo(...BUILT, 'skip_build: maybe'),
    problems: ['stack.yml:8: functions.echo.skip_build must be true or false'],
  },
  {
    name: 'readonly_root_filesystem as a quoted string',
    yaml: echo(...BUILT, 'readonly_root_filesystem: "true"'),
    problems: ['stack.yml:8: functions.echo.readonly_root_filesystem must be true or false'],
  },
  {
    name: 'secrets as a single string',
    yaml: echo(...BUILT, 'secrets: db-password'),
    problems: ['stack.yml:8: functions.echo.secrets must be a list of strings'],
  },
  {
    name: 'a secret that is a map, and an empty one',
    yaml: echo(...BUILT, 'secrets:', '  - ok', '  - {name: x}', '  -'),
    problems: [
      'stack.yml:10: functions.echo.secrets[1] must be a non-empty string',
      'stack.yml:11: functions.echo.secrets[2] must be a non-empty string',
    ],
  },
  {
    name: 'environment_file as a string',
    yaml: echo(...BUILT, 'environment_file: env.yml'),
    problems: ['stack.yml:8: functions.echo.environment_file must be a list of strings'],
  },
  {
    name: 'limits as a string',
    yaml: echo(...BUILT, 'limits: 40Mi'),
    problems: ['stack.yml:8: functions.echo.limits must be a map'],
  },
  {
    name: 'a requests.memory that is a list',
    yaml: echo(...BUILT, 'requests:', '  memory: [20Mi]'),
    problems: ['stack.yml:9: functions.echo.requests.memory must be a string'],
  },
  {
    name: 'constraints as a map',
    yaml: echo(...BUILT, 'constraints: {os: linux}'),
    problems: ['stack.yml:8: functions.echo.constraints must be a list of strings'],
  },
  {
    name: 'an image that is a map',
    yaml: echo('lang: bash', 'handler: ./echo', 'image: {name: echo}'),
    problems: [
      'stack.yml:7: functions.echo.image must be a string',
      'stack.yml:4: functions.echo.image is required (deploy needs an image name)',
    ].sort(),
  },
  {
    name: 'a namespace that is not a DNS label',
    yaml: echo(...BUILT, 'namespace: Open_FaaS'),
    problems: [
      'stack.yml:8: functions.echo.namespace must be lower-case letters, digits and "-", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'a function name that is not a DNS label',
    yaml: 'provider: {name: openfaas}\nfunctions:\n  Echo_1: {image: e, skip_build: true}\n',
    problems: [
      'stack.yml:3: functions.Echo_1 is not a valid function name: it must be lower-case letters, digits and "-", starting and ending with a letter or digit',
    ],
  },
  {
    name: 'a function name longer than 63 characters',
    yaml: `provider: {name: openfaas}\nfunctions:\n  ${'a'.repeat(64)}: {image: e, skip_build: true}\n`,
    problems: [
      `stack.yml:3: functions.${'a'.repeat(64)} is not a valid function name: it must be at most 63 characters, was 64`,
    ],
  },
  {
    name: 'a function that is a string',
    yaml: 'provider: {name: openfaas}\nfunctions:\n  echo: faas/echo\n',
    problems: ['stack.yml:3: functions.echo must be a map of settings (image, lang, handler, ...)'],
  },
  {
    name: 'functions as a list',
    yaml: 'provider: {name: openfaas}\nfunctions:\n  - echo\n',
    problems: ['stack.yml:2: functions must be a map from function name to its settings'],
  },
  {
    name: 'another provider',
    yaml: 'provider:\n  name: aws\nfunctions: {}\n',
    problems: ['stack.yml:2: provider.name must be openfaas, was "aws"'],
  },
  {
    name: 'a provider without a name',
    yaml: 'provider:\n  gateway: http://localhost:8080\nfunctions: {}\n',
    problems: ['stack.yml:1: provider.name is required (add provider: {name: openfaas})'],
  },
  {
    name: 'an empty file',
    yaml: '',
    problems: [
      'stack.yml:1: provider is required (add provider: {name: openfaas})',
      'stack.yml:1: functions is required (a map from function name to its settings)',
    ],
  },
  {
    name: 'a file that is a list',
    yaml: '- echo\n',
    problems: ['stack.yml:1: a stack file must be a map with provider: and functions:'],
  },
  {
    name: 'version 2.0',
    yaml: 'version: 2.0\nprovider: {name: openfaas}\nfunctions: {}\n',
    problems: ['stack.yml:1: version must be 1.0, was "2.0"'],
  },
  {
    name: 'configuration.templates as a map, configuration.copy as a string',
    yaml: 'provider: {name: openfaas}\nfunctions: {}\nconfiguration:\n  templates: {name: node}\n  copy: ./common\n',
    problems: [
      'stack.yml:4: configuration.templates must be a list of {name, source}',
      'stack.yml:5: configuration.copy must be a list of strings',
    ],
  },
  {
    name: 'a template without a name',
    yaml: 'provider: {name: openfaas}\nfunctions: {}\nconfiguration:\n  templates:\n    - source: https://example.com/t.git\n',
    problems: ['stack.yml:5: configuration.templates[0].name is required'],
  },
  {
    name: 'every problem of a file at once, in line order',
    yaml: [
      'version: 3',
      'provider: {name: openfaas}',
      'functions:',
      '  a:',
      '    image: a',
      '    skip_build: true',
      '    labels: [x]',
      '  b:',
      '    skip_build: true',
      '    secrets: s',
    ].join('\n'),
    problems: [
      'stack.yml:1: version must be 1.0, was "3"',
      'stack.yml:7: functions.a.labels must be a map of strings',
      'stack.yml:8: functions.b.image is required (deploy needs an image name)',
      'stack.yml:10: functions.b.secrets must be a list of strings',
    ],
  },
  {
    name: 'malformed YAML: a nested compact mapping',
    yaml: echo('image: a: b'),
    code: 'STACK_SYNTAX',
    problems: ['stack.yml:5: Nested mappings are not allowed in compact mappings (column 12)'],
  },
  {
    name: 'malformed YAML: a duplicate key',
    yaml: echo(...BUILT, 'image: again'),
    code: 'STACK_SYNTAX',
    problems: ['stack.yml:8: Map keys must be unique (column 5)'],
  },
];

for (const c of invalid) {
  test(`invalid: ${c.name}`, () => {
    assert.throws(
      () => parseStack(c.yaml, 'stack.yml', {}),
      (err: unknown) => {
        assert.ok(err instanceof StackError);
        assert.equal(err.code, c.code ?? 'STACK_INVALID');
        assert.deepEqual(err.problems, c.problems);
        assert.equal(err.message, c.problems.join('\n'));
        return true;
      },
    );
  });
}

test('problems name the file as given', () => {
  assert.throws(() => parseStack('- x\n', 'deploy/prod.yml', {}), {
    message: 'deploy/prod.yml:1: a stack file must be a map with provider: and functions:',
  });
});
