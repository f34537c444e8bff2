/** The deployment ↔ service spec mapping, both ways, without an engine. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { isFaasError } from '../../../../gateway/contract/errors.ts';
import { functionState, serviceSpec } from '../../../../gateway/providers/swarm/service-spec.ts';
import { initialReplicas } from '../../../../gateway/scaling/labels.ts';
import type { SpecContext } from '../../../../gateway/providers/swarm/service-spec.ts';
import { deployment } from '../../../conformance/suite.ts';

const ctx: SpecContext = {
  serviceName: 'p-fn',
  network: 'func_functions',
  replicas: 2,
  uid: 'u1',
  secrets: new Map([['db', { id: 'sid', name: 'p-db.v2' }]]),
};

const full = deployment({
  service: 'fn',
  image: 'docker.io/library/fn:latest',
  envProcess: 'cat',
  envVars: { a: '1' },
  labels: { team: 'blue', 'com.openfaas.scale.min': '2' },
  annotations: { topic: 'x\n{"y": 1}' },
  secrets: ['db'],
  constraints: ['node.role == manager'],
  limits: { memory: '64Mi', cpu: '100m' },
  requests: { memory: '8Mi' },
  readOnlyRootFilesystem: true,
});

test('the spec: dnsrr, labels, env, secrets at /var/openfaas/secrets, policies, tmpfs', () => {
  const spec = serviceSpec(full, ctx);
  const task = spec.TaskTemplate as Docker.ContainerTaskSpec;
  const c = task.ContainerSpec!;
  assert.equal(spec.Name, 'p-fn');
  assert.deepEqual(spec.EndpointSpec, { Mode: 'dnsrr' });
  assert.deepEqual(spec.Mode, { Replicated: { Replicas: 2 } });
  assert.equal(spec.Labels?.['com.openfaas.function'], 'fn');
  assert.equal(spec.Labels?.function, 'true');
  assert.equal(spec.Labels?.team, 'blue');
  assert.equal(spec.Labels?.['com.openfaas.annotations.topic'], 'x\n{"y": 1}');
  assert.equal(c.Image, 'docker.io/library/fn:latest');
  assert.deepEqual(c.Env, ['a=1', 'fprocess=cat']);
  assert.equal(c.Init, true);
  assert.equal(c.ReadOnly, true);
  assert.deepEqual(c.Mounts, [{ Type: 'tmpfs', Source: '', Target: '/tmp' }]);
  assert.deepEqual(c.Secrets?.[0]?.File?.Name, '/var/openfaas/secrets/db');
  assert.deepEqual([c.Secrets?.[0]?.SecretID, c.Secrets?.[0]?.SecretName], ['sid', 'p-db.v2']);
  assert.deepEqual(task.RestartPolicy, { Condition: 'any', Delay: 5e9, MaxAttempts: 5 });
  assert.deepEqual(task.Placement, { Constraints: ['node.role == manager'] });
  assert.deepEqual(task.Networks, [{ Target: 'func_functions' }]);
  assert.deepEqual(spec.UpdateConfig, {
    Parallelism: 1,
    Order: 'start-first',
    FailureAction: 'rollback',
  });
});

test('fprocess: envProcess wins over envVars.fprocess, which is kept without it', () => {
  const envOf = (d: Parameters<typeof deployment>[0]) =>
    (
      serviceSpec(deployment(d), { ...ctx, secrets: new Map() })
        .TaskTemplate as Docker.ContainerTaskSpec
    ).ContainerSpec?.Env;
  const envVars = { fprocess: 'wc -l', a: '1' };
  assert.deepEqual(envOf({ service: 'fn', image: 'i', envVars }), ['fprocess=wc -l', 'a=1']);
  assert.deepEqual(envOf({ service: 'fn', image: 'i', envVars, envProcess: 'cat' }), [
    'a=1',
    'fprocess=cat',
  ]);
});

test('no constraint is added by default, no tmpfs without a read-only root', () => {
  const task = serviceSpec(deployment({ service: 'fn', image: 'i' }), {
    ...ctx,
    secrets: new Map(),
  }).TaskTemplate as Docker.ContainerTaskSpec;
  assert.deepEqual(task.Placement, { Constraints: [] });
  assert.equal(task.ContainerSpec?.Mounts, undefined);
  assert.equal(task.Resources, undefined);
});

test('read back: the deployment round-trips, the image byte for byte', () => {
  const service = { ID: 'x', CreatedAt: '2026-01-02T03:04:05.06Z', Spec: serviceSpec(full, ctx) };
  const s = functionState(service as unknown as Docker.Service, 1);
  assert.deepEqual(s, {
    name: 'fn',
    image: 'docker.io/library/fn:latest',
    namespace: 'openfaas-fn',
    envProcess: 'cat',
    envVars: { a: '1' },
    constraints: ['node.role == manager'],
    secrets: ['db'],
    labels: { team: 'blue', 'com.openfaas.scale.min': '2', faas_function: 'fn' },
    annotations: { topic: 'x\n{"y": 1}' },
    limits: { memory: '64Mi', cpu: '100m' },
    requests: { memory: '8Mi' },
    readOnlyRootFilesystem: true,
    replicas: 2,
    availableReplicas: 1,
    createdAt: '2026-01-02T03:04:05.06Z',
  });
});

test('an annotation clashing with a label, or a reserved label, is INVALID_REQUEST', () => {
  const clash = deployment({
    service: 'fn',
    image: 'i',
    labels: { 'com.openfaas.annotations.topic': 'a' },
    annotations: { topic: 'b' },
  });
  assert.throws(
    () => serviceSpec(clash, ctx),
    (e) => isFaasError(e, 'INVALID_REQUEST'),
  );
  for (const key of ['function', 'com.openfaas.function', 'com.faas.swarm.image']) {
    const d = deployment({ service: 'fn', image: 'i', labels: { [key]: 'x' } });
    assert.throws(
      () => serviceSpec(d, ctx),
      (e) => isFaasError(e, 'INVALID_REQUEST') && e.message.includes(key),
    );
  }
});

test('an unresolved secret is UNKNOWN_SECRET; scale.min sets replicas', () => {
  const d = deployment({ service: 'fn', image: 'i', secrets: ['nope'] });
  assert.throws(
    () => serviceSpec(d, ctx),
    (e) => isFaasError(e, 'UNKNOWN_SECRET') && /secret not found: nope/.test(e.message),
  );
  assert.equal(initialReplicas({}), 1);
  assert.equal(initialReplicas({ 'com.openfaas.scale.min': '0' }), 0);
  assert.equal(initialReplicas({ 'com.openfaas.scale.min': 'x' }, 4), 4);
  assert.equal(initialReplicas({ 'com.openfaas.scale.min': ' 2 ' }), 2, 'as validation reads it');
});
