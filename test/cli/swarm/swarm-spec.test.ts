/** The pure parts of `faas swarm up`: flags to settings, the gateway Dockerfile and service spec. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { gatewayDockerfile } from '../../../cli/swarm/gateway-image.ts';
import { SPEC_LABEL, gatewayServiceSpec } from '../../../cli/swarm/gateway-service.ts';
import type { GatewayServiceInput } from '../../../cli/swarm/gateway-service.ts';
import { passwordFile, secretNames, swarmSettings } from '../../../cli/swarm/settings.ts';

test('settings: OpenFaaS names by default, every flag checked and named when bad', () => {
  const s = swarmSettings({}, '/work');
  assert.deepEqual(
    { ...s },
    {
      service: 'faas-gateway',
      network: 'func_functions',
      port: 8080,
      secretPrefix: '',
      user: 'admin',
      stateDir: '/work/.faas/swarm',
    },
  );
  assert.deepEqual(secretNames(s), { user: 'basic-auth-user', password: 'basic-auth-password' });
  assert.equal(passwordFile(s), '/work/.faas/swarm/basic-auth-password');
  const t = swarmSettings({ secretPrefix: 'run1-', port: '18080', name: 'gw-1' }, '/w');
  assert.equal(secretNames(t).password, 'run1-basic-auth-password');
  assert.equal(passwordFile(t), '/w/.faas/swarm/run1-basic-auth-password');
  assert.throws(() => swarmSettings({ port: '80x' }, '/'), /--port "80x" is not a port/);
  assert.throws(() => swarmSettings({ port: '0' }, '/'), /--port "0"/);
  assert.throws(() => swarmSettings({ name: 'a b' }, '/'), /--name "a b" is not a valid name/);
  assert.throws(() => swarmSettings({ network: '-x' }, '/'), /--network "-x"/);
  assert.throws(() => swarmSettings({ secretPrefix: 'a/' }, '/'), /--secret-prefix/);
});

test('the gateway Dockerfile: base, bundles, Swarm defaults, liveness check, command', () => {
  const text = gatewayDockerfile('faas/node-base:20.20.2', 'abc');
  assert.match(text, /^FROM faas\/node-base:20\.20\.2$/m);
  assert.match(text, /^COPY dist\/ \/home\/app\/dist\/$/m);
  assert.match(
    text,
    /^ENV provider=swarm bind_address=0\.0\.0\.0 port=8080 secret_mount_path=\/run\/secrets$/m,
  );
  assert.match(text, /^LABEL com\.faas\.gateway\.content="abc"$/m);
  assert.match(text, /^HEALTHCHECK .*\/healthz/m);
  assert.match(text, /^CMD \["node", "\/home\/app\/dist\/gateway-image\.mjs"\]$/m);
  // The health check's command is a JSON array: it must parse.
  const check = /CMD (\[.*\])$/m.exec(text.split('\n').find((l) => l.startsWith('HEALTH')) ?? '');
  assert.ok(check?.[1]);
  assert.equal((JSON.parse(check[1]) as string[]).length, 3);
  assert.throws(() => gatewayDockerfile('a b', 'x'), /not an image name/);
});

const input: GatewayServiceInput = {
  settings: { service: 'gw', network: 'fn-net', port: 18080 },
  image: 'faas/gateway:0.1.0-abc',
  networkId: 'net123',
  secrets: {
    user: { id: 'u1', name: 'p-basic-auth-user' },
    password: { id: 'p1', name: 'p-basic-auth-password' },
  },
};

test('the gateway service: dnsrr, host-mode port, manager only, socket, secrets as OpenFaaS files', () => {
  const spec = gatewayServiceSpec(input);
  const task = spec.TaskTemplate as Docker.ContainerTaskSpec;
  assert.equal(spec.Name, 'gw');
  assert.deepEqual(spec.EndpointSpec, {
    Mode: 'dnsrr',
    Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishedPort: 18080, PublishMode: 'host' }],
  });
  assert.deepEqual(task.Placement?.Constraints, ['node.role == manager']);
  assert.deepEqual(task.Networks, [{ Target: 'net123', Aliases: ['gateway'] }]);
  assert.deepEqual(task.ContainerSpec?.Mounts, [
    { Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock' },
  ]);
  assert.deepEqual(
    task.ContainerSpec?.Secrets?.map((s) => [s.SecretName, s.File?.Name]),
    [
      ['p-basic-auth-user', 'basic-auth-user'],
      ['p-basic-auth-password', 'basic-auth-password'],
    ],
  );
  const env = task.ContainerSpec?.Env ?? [];
  for (const kv of ['provider=swarm', 'functions_network=fn-net', 'secret_mount_path=/run/secrets'])
    assert.ok(env.includes(kv), kv);
  assert.equal(spec.UpdateConfig?.Order, 'stop-first', 'two tasks cannot hold one host port');
  assert.equal(spec.Labels?.['com.faas.platform'], 'gw');
  assert.equal(spec.Labels?.['com.openfaas.function'], undefined, 'never listed as a function');
});

test('the spec hash: the same input gives the same hash, any change another', () => {
  const hash = (i: GatewayServiceInput): string | undefined =>
    gatewayServiceSpec(i).Labels?.[SPEC_LABEL];
  const task = gatewayServiceSpec(input).TaskTemplate as Docker.ContainerTaskSpec;
  assert.equal(task.ContainerSpec?.Labels?.[SPEC_LABEL], hash(input));
  assert.equal(hash(input), hash({ ...input }));
  assert.notEqual(hash(input), hash({ ...input, image: 'faas/gateway:other' }));
  assert.notEqual(hash(input), hash({ ...input, settings: { ...input.settings, port: 1 } }));
  assert.notEqual(hash(input), hash({ ...input, env: ['write_debug=true'] }));
});
