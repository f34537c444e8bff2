/**
 * Deploy and update refuse what the platform cannot honour, naming the key and the value:
 * envVars the platform sets itself, scaling labels and the timeout label that do not parse.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { RESERVED_ENV_VARS } from '../../gateway/contract/reserved-env.ts';
import { ADMIN, buildApp } from './app-harness.ts';
import type { Harness } from './app-harness.ts';

const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);

async function withExisting(t: Parameters<typeof buildApp>[0]): Promise<Harness> {
  const h = buildApp(t);
  await admin(request(h.app).post('/system/functions'))
    .send({ service: 'existing', image: 'img' })
    .expect(202);
  return h;
}

/** POST a new function and PUT the existing one with `extra`; both must get `status`. */
async function both(h: Harness, extra: object, status: number, message?: RegExp): Promise<void> {
  for (const [method, service] of [
    ['post', 'fresh'],
    ['put', 'existing'],
  ] as const) {
    const res = await admin(request(h.app)[method]('/system/functions')).send({
      service,
      image: 'img',
      ...extra,
    });
    assert.equal(res.status, status, `${method} ${JSON.stringify(extra)}: ${res.text}`);
    if (message) assert.match((res.body as { message: string }).message, message, method);
  }
}

test('envVars the platform sets (bind_address, ports, secrets folder) are a 400 naming the key', async (t) => {
  const h = await withExisting(t);
  for (const key of RESERVED_ENV_VARS) {
    const message = new RegExp(
      `^envVars: "${key}" is set by the platform and cannot be overridden`,
    );
    await both(h, { envVars: { [key]: '0.0.0.0' } }, 400, message);
  }
  await both(
    h,
    { envVars: { bind_address: '0.0.0.0', port: '80' } },
    400,
    /"bind_address" is set by the platform.*; envVars: "port" is set/,
  );
  assert.deepEqual([...h.provider.functions.keys()], ['openfaas-fn/existing']);
  assert.equal(h.provider.functions.get('openfaas-fn/existing')?.deployment.envVars, undefined);
  // Other env vars, and the same names in another case, are the function's own.
  await both(h, { envVars: { PORT: '3000', write_timeout: '10s', Bind_Address: 'x' } }, 202);
});

const BAD_LABELS: readonly (readonly [string, string, RegExp])[] = [
  ['com.openfaas.scale.min', 'abc', /is not a whole number of 0 or more/],
  ['com.openfaas.scale.min', '-3', /is not a whole number of 0 or more/],
  ['com.openfaas.scale.min', '1.5', /is not a whole number/],
  ['com.openfaas.scale.min', '', /is not a whole number/],
  ['com.openfaas.scale.max', '0', /is not a whole number of 1 or more/],
  ['com.openfaas.scale.max', 'lots', /is not a whole number of 1 or more/],
  ['com.openfaas.scale.factor', '101', /is not a whole number from 0 to 100/],
  ['com.openfaas.scale.factor', '-1', /is not a whole number from 0 to 100/],
  ['com.openfaas.scale.target', '0', /is not a whole number of 1 or more/],
  ['com.openfaas.scale.type', 'cpu', /is not rps or capacity/],
  ['com.openfaas.scale.zero', 'yes', /is not true or false/],
  ['com.openfaas.scale.zero-duration', 'soon', /is not a duration/],
  ['com.openfaas.timeout', 'soon', /is not a duration above zero/],
  ['com.openfaas.timeout', '0', /is not a duration above zero/],
];

test('scaling and timeout labels that do not parse are a 400 naming label and value', async (t) => {
  const h = await withExisting(t);
  for (const [label, value, why] of BAD_LABELS) {
    const message = new RegExp(
      `^labels: ${label.replaceAll('.', '\\.')} ${JSON.stringify(value)} ${why.source}`,
    );
    await both(h, { labels: { [label]: value } }, 400, message);
  }
  await both(
    h,
    { labels: { 'com.openfaas.scale.min': '5', 'com.openfaas.scale.max': '2' } },
    400,
    /^labels: com\.openfaas\.scale\.max 2 is below com\.openfaas\.scale\.min 5$/,
  );
  await both(
    h,
    { labels: { 'com.openfaas.scale.min': 'x', 'com.openfaas.timeout': 'soon' } },
    400,
    /scale\.min "x".*; labels: com\.openfaas\.timeout "soon"/,
  );
  assert.deepEqual([...h.provider.functions.keys()], ['openfaas-fn/existing']);
  assert.deepEqual(h.provider.functions.get('openfaas-fn/existing')?.deployment.labels, {});
});

test('labels that parse are accepted, and min sets the replicas', async (t) => {
  const h = buildApp(t);
  const labels = {
    'com.openfaas.scale.min': ' 2 ',
    'com.openfaas.scale.max': '10',
    'com.openfaas.scale.factor': '0',
    'com.openfaas.scale.target': '5',
    'com.openfaas.scale.type': 'capacity',
    'com.openfaas.scale.zero': 'TRUE',
    'com.openfaas.scale.zero-duration': '1m30s',
    'com.openfaas.timeout': '90',
    'com.openfaas.scale.unknown-to-us': 'kept as it is',
  };
  await admin(request(h.app).post('/system/functions'))
    .send({ service: 'fn', image: 'img', labels })
    .expect(202);
  const fn = await admin(request(h.app).get('/system/function/fn')).expect(200);
  assert.deepEqual(fn.body.labels, { ...labels, faas_function: 'fn' });
  assert.equal(fn.body.replicas, 2);
});
