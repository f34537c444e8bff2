/**
 * Deploy and update refuse what the platform cannot honour, naming the key and the value:
 * envVars the platform sets itself.
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

