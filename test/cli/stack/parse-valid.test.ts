import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStack } from '../../../cli/stack/parse.ts';
import type { FunctionSpec } from '../../../cli/stack/types.ts';

/** A FunctionSpec with every defaulted field, overridden by `fields`. */
function spec(fields: Partial<FunctionSpec> & { name: string; line: number }): FunctionSpec {
  return {
    image: '',
    skipBuild: false,
    environment: {},
    environmentFile: [],
    secrets: [],
    labels: {},
    annotations: {},
    constraints: [],
    readonlyRootFilesystem: false,
    buildArgs: {},
    buildOptions: [],
    buildSecrets: {},
    ...fields,
  };
}

const OPENFAAS_SAMPLE = `version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  echo:
    lang: bash
    handler: ./functions/echo
    image: faas/echo:latest
    fprocess: cat
    environment:
      write_debug: true
    labels:
      com.openfaas.scale.min: "1"
`;

test('the OpenFaaS sample parses, with write_debug: true taken as the text "true"', () => {
  const { stack, warnings } = parseStack(OPENFAAS_SAMPLE, 'stack.yml', {});
  assert.deepEqual(warnings, []);
  assert.deepEqual(stack, {
    version: '1.0',
    provider: { name: 'openfaas', gateway: 'http://127.0.0.1:8080' },
    functions: [
      spec({
        name: 'echo',
        line: 6,
        lang: 'bash',
        handler: './functions/echo',
        image: 'faas/echo:latest',
        fprocess: 'cat',
        environment: { write_debug: 'true' },
        labels: { 'com.openfaas.scale.min': '1' },
      }),
    ],
    configuration: { templates: [], copy: [] },
  });
});

const EVERY_FIELD = `provider:
  name: openfaas
functions:
  full:
    lang: node
    handler: ./full
    image: registry.local:5000/full:0.1
    fprocess: node index.js
    namespace: staging
    skip_build: false
    environment: {A: "1", B: 2.50, C: off}
    environment_file: [common.yml, local.yml]
    secrets: [db-password, api-key]
    labels: {com.openfaas.scale.max: 5}
    annotations:
      topic: cron-function
      schedule: "*/5 * * * *"
    limits: {memory: 40Mi, cpu: 100m}
    requests: {memory: 20Mi, cpu: 0.5}
    constraints: ["node.platform.os == linux"]
    readonly_root_filesystem: true
    build_args: {NODE_VERSION: 20}
    build_options: [dev]
    build_secrets: {npmrc: ~/.npmrc}
    platforms: linux/amd64,linux/arm64
configuration:
  templates:
    - name: python3-http
      source: https://github.com/openfaas/python-flask-template
    - name: node
  copy: [./common]
`;

test('every field of CONTRACT §5.1 is read, numbers and booleans kept as written', () => {
  const { stack, warnings } = parseStack(EVERY_FIELD, 'stack.yml', {});
  assert.deepEqual(warnings, []);
  assert.equal(stack.version, undefined);
  assert.deepEqual(stack.configuration, {
    templates: [
      { name: 'python3-http', source: 'https://github.com/openfaas/python-flask-template' },
      { name: 'node' },
    ],
    copy: ['./common'],
  });
  assert.deepEqual(stack.functions, [
    spec({
      name: 'full',
      line: 4,
      lang: 'node',
      handler: './full',
      image: 'registry.local:5000/full:0.1',
      fprocess: 'node index.js',
      namespace: 'staging',
      environment: { A: '1', B: '2.50', C: 'off' },
      environmentFile: ['common.yml', 'local.yml'],
      secrets: ['db-password', 'api-key'],
      labels: { 'com.openfaas.scale.max': '5' },
      annotations: { topic: 'cron-function', schedule: '*/5 * * * *' },
      limits: { memory: '40Mi', cpu: '100m' },
      requests: { memory: '20Mi', cpu: '0.5' },
      constraints: ['node.platform.os == linux'],
      readonlyRootFilesystem: true,
      buildArgs: { NODE_VERSION: '20' },
      buildOptions: ['dev'],
      buildSecrets: { npmrc: '~/.npmrc' },
      platforms: 'linux/amd64,linux/arm64',
    }),
  ]);
});

const valid: { name: string; yaml: string; check: (p: ReturnType<typeof parseStack>) => void }[] = [
  {
    name: "2017's provider name faas and network are accepted, faas with a warning",
    yaml: 'provider:\n  name: faas\n  gateway: http://localhost:8080\n  network: func_functions\nfunctions: {}\n',
    check: ({ stack, warnings }) => {
      assert.deepEqual(stack.provider, { name: 'openfaas', gateway: 'http://localhost:8080' });
      assert.deepEqual(warnings, [
        'stack.yml:2: provider.name "faas" is the 2017 spelling; use openfaas',
      ]);
    },
  },
  {
    name: 'a prebuilt image needs neither lang nor handler with skip_build: true',
    yaml: 'provider: {name: openfaas}\nfunctions:\n  figlet:\n    image: functions/figlet:0.13.0\n    skip_build: true\n',
    check: ({ stack }) =>
      assert.deepEqual(stack.functions, [
        spec({ name: 'figlet', line: 3, image: 'functions/figlet:0.13.0', skipBuild: true }),
      ]),
  },
  {
    name: 'an image alone is enough to deploy: lang and handler are asked for only by a build',
    yaml: 'provider: {name: openfaas}\nfunctions:\n  figlet:\n    image: functions/figlet:0.13.0\n  own:\n    lang: node\n    image: own:1\n',
    check: ({ stack }) =>
      assert.deepEqual(stack.functions, [
        spec({ name: 'figlet', line: 3, image: 'functions/figlet:0.13.0' }),
        spec({ name: 'own', line: 5, lang: 'node', image: 'own:1' }),
      ]),
  },
  {
    name: "YAML 1.1 booleans yes/no/on/off are read, as Go's yaml.v3 does for a bool",
    yaml: 'provider: {name: openfaas}\nfunctions:\n  a:\n    image: a\n    skip_build: yes\n    readonly_root_filesystem: On\n',
    check: ({ stack }) => {
      assert.equal(stack.functions[0]?.skipBuild, true);
      assert.equal(stack.functions[0]?.readonlyRootFilesystem, true);
    },
  },
  {
    name: 'anchors, aliases and merge keys are followed; own keys beat merged ones',
    yaml: [
      'provider: {name: openfaas}',
      'x-common: &common',
      '  lang: node',
      '  environment: &env {LOG: debug, MODE: a}',
      'functions:',
      '  one:',
      '    <<: *common',
      '    handler: ./one',
      '    image: one',
      '  two:',
      '    <<: *common',
      '    handler: ./two',
      '    image: two',
      '    environment:',
      '      <<: *env',
      '      MODE: b',
    ].join('\n'),
    check: ({ stack, warnings }) => {
      assert.deepEqual(warnings, ['stack.yml:2: unknown key x-common (ignored)']);
      assert.deepEqual(
        stack.functions.map((f) => [f.name, f.lang, f.environment]),
        [
          ['one', 'node', { LOG: 'debug', MODE: 'a' }],
          ['two', 'node', { MODE: 'b', LOG: 'debug' }],
        ],
      );
    },
  },
  {
    name: 'an empty environment value (an unset ${VAR}) is the empty string',
    yaml: 'provider: {name: openfaas}\nfunctions:\n  a: {image: a, skip_build: true, environment: {TOKEN: "${TOKEN}", EMPTY: }}\n',
    check: ({ stack }) =>
      assert.deepEqual(stack.functions[0]?.environment, { TOKEN: '', EMPTY: '' }),
  },
  {
    name: 'envsubst fills image and gateway from the environment, with defaults',
    yaml: 'provider:\n  name: openfaas\n  gateway: ${OPENFAAS_URL:-http://127.0.0.1:8080}\nfunctions:\n  a:\n    image: ${REGISTRY}/a:${TAG:-latest}\n    skip_build: true\n',
    check: ({ stack }) => {
      assert.equal(stack.provider.gateway, 'http://127.0.0.1:8080');
      assert.equal(stack.functions[0]?.image, 'ttl.sh/a:latest');
    },
  },
  {
    name: 'functions: with nothing after it is an empty stack',
    yaml: 'provider: {name: openfaas}\nfunctions:\n',
    check: ({ stack }) => assert.deepEqual(stack.functions, []),
  },
  {
    name: 'functions keep file order, numeric-looking names included',
    yaml: 'provider: {name: openfaas}\nfunctions:\n  zeta: {image: z, skip_build: true}\n  "123": {image: n, skip_build: true}\n  alpha: {image: a, skip_build: true}\n',
    check: ({ stack }) =>
      assert.deepEqual(
        stack.functions.map((f) => f.name),
        ['zeta', '123', 'alpha'],
      ),
  },
  {
    name: 'a quoted version "1.0" and a null gateway are accepted',
    yaml: 'version: "1.0"\nprovider:\n  name: openfaas\n  gateway:\nfunctions: {}\n',
    check: ({ stack }) => {
      assert.equal(stack.version, '1.0');
      assert.deepEqual(stack.provider, { name: 'openfaas' });
    },
  },
  {
    name: 'a Dockerfile function with lang dockerfile parses like any other',
    yaml: 'provider: {name: openfaas}\nfunctions:\n  own:\n    lang: dockerfile\n    handler: ./own\n    image: own:1\n',
    check: ({ stack }) => assert.equal(stack.functions[0]?.lang, 'dockerfile'),
  },
];

for (const c of valid) {
  test(`valid: ${c.name}`, () => c.check(parseStack(c.yaml, 'stack.yml', { REGISTRY: 'ttl.sh' })));
}
