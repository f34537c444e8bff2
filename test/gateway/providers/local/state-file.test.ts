import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { isFaasError } from '../../../../gateway/contract/errors.ts';
import { StateFile } from '../../../../gateway/providers/local/state-file.ts';
import type { StoredFunction } from '../../../../gateway/providers/local/state-file.ts';

function dir(t: TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'faas-state-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const fn = (service: string, replicas: number): StoredFunction => ({
  deployment: {
    service,
    image: 'img',
    namespace: 'openfaas-fn',
    labels: {},
    annotations: {},
    secrets: [],
    constraints: [],
  },
  replicas,
  createdAt: '2024-01-01T00:00:00.000Z',
});

test('no file yet is no functions', async (t) => {
  assert.deepEqual(await new StateFile(join(dir(t), 'functions.json')).load(), []);
});

test('concurrent saves land in call order and leave no temp file', async (t) => {
  const d = dir(t);
  const file = new StateFile(join(d, 'functions.json'));
  await Promise.all([1, 2, 3, 4, 5].map((n) => file.save([fn('a', n)])));
  assert.deepEqual(await file.load(), [fn('a', 5)]);
  assert.deepEqual(readdirSync(d), ['functions.json']);
});

test('a corrupt file fails loudly instead of dropping deployments', async (t) => {
  const path = join(dir(t), 'functions.json');
  writeFileSync(path, '{"functions": [{"deployment": {}}]}');
  await assert.rejects(new StateFile(path).load(), (err) => isFaasError(err, 'PROVIDER_FAILURE'));
  writeFileSync(path, '{');
  await assert.rejects(new StateFile(path).load(), (err) => isFaasError(err, 'PROVIDER_FAILURE'));
});
