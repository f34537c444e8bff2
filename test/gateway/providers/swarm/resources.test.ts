/** Resource quantities: Kubernetes and Docker spellings, Docker's minimums, precise refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFaasError } from '../../../../gateway/contract/errors.ts';
import {
  MIN_LIMIT_BYTES,
  MIN_RESERVATION_BYTES,
  memoryBytes,
  nanoCpus,
  swarmResources,
} from '../../../../gateway/providers/swarm/resources.ts';

test('memory: binary, decimal and Docker units', () => {
  assert.equal(memoryBytes('m', '5Mi'), 5 * 2 ** 20);
  assert.equal(memoryBytes('m', '128M'), 128e6);
  assert.equal(memoryBytes('m', '1Gi'), 2 ** 30);
  assert.equal(memoryBytes('m', '512000'), 512000);
  assert.equal(memoryBytes('m', '64m'), 64 * 2 ** 20, 'docker run -m 64m');
  assert.equal(memoryBytes('m', '1.5Gi'), 1.5 * 2 ** 30);
});

test('cpu: millicores and fractions as NanoCPUs (faas-swarm dropped 100m)', () => {
  assert.equal(nanoCpus('c', '100m'), 1e8);
  assert.equal(nanoCpus('c', '0.5'), 5e8);
  assert.equal(nanoCpus('c', '2'), 2e9);
});

test('bad quantities are INVALID_REQUEST naming the field and value', () => {
  for (const [fn, value] of [
    [memoryBytes, '5 apples'],
    [memoryBytes, '0'],
    [nanoCpus, '1Gi'],
    [nanoCpus, '-1'],
  ] as const) {
    assert.throws(
      () => fn('limits.x', value),
      (err) => isFaasError(err, 'INVALID_REQUEST') && err.message.includes(`"${value}"`),
    );
  }
});

test('memory under Docker minimums is raised; other keys are not applied', () => {
  assert.deepEqual(swarmResources('limits', { memory: '5Mi', cpu: '100m' }), {
    MemoryBytes: MIN_LIMIT_BYTES,
    NanoCPUs: 1e8,
  });
  assert.deepEqual(swarmResources('requests', { memory: '1Mi' }), {
    MemoryBytes: MIN_RESERVATION_BYTES,
  });
  assert.equal(swarmResources('limits', { 'nvidia.com/gpu': '1' }), undefined);
  assert.equal(swarmResources('limits', undefined), undefined);
});
