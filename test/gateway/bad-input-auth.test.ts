/**
 * Every /system route answers missing or wrong credentials with OpenFaaS's 401: plain text
 * `invalid credentials` and `WWW-Authenticate: Basic realm="Restricted"`, before it reads the
 * body, and changes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import request from 'supertest';
import { ADMIN } from './app-harness.ts';
import { NS, buildAlertApp, webhook } from './alert-harness.ts';

type Method = 'get' | 'post' | 'put' | 'delete';

const ROUTES: readonly (readonly [Method, string, unknown?])[] = [
  ['get', '/system/functions'],
  ['post', '/system/functions', { service: 'new', image: 'img' }],
  ['put', '/system/functions', { service: 'echo', image: 'other' }],
  ['delete', '/system/functions', { functionName: 'echo' }],
  ['get', '/system/function/echo'],
  ['post', '/system/scale-function/echo', { replicas: 3 }],
  ['get', '/system/secrets'],
  ['post', '/system/secrets', { name: 'new', value: 'v' }],
  ['put', '/system/secrets', { name: 'key', value: 'changed' }],
  ['delete', '/system/secrets', { name: 'key' }],
  ['get', '/system/logs?name=echo'],
  ['post', '/system/alert', webhook([['firing', 'echo']])],
  ['get', '/system/info'],
  ['get', '/system/namespaces'],
  ['get', '/system/namespace/openfaas-fn'],
];

const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

/** Authorization headers that must not pass; undefined sends none. */
const WRONG: readonly (readonly [string, string | undefined])[] = [
  ['no credentials', undefined],
  ['a wrong password', basic(`${ADMIN.user}:wrong`)],
  ['a wrong user', basic(`root:${ADMIN.password}`)],
  ['the password with a suffix', basic(`${ADMIN.user}:${ADMIN.password}x`)],
  ['an empty password', basic(`${ADMIN.user}:`)],
  ['no colon', basic(ADMIN.user)],
  ['a header that is not base64', 'Basic !!!'],
  ['an empty Basic header', 'Basic '],
  ['a Bearer token', `Bearer ${ADMIN.password}`],
];

function build(t: Parameters<typeof buildAlertApp>[0]) {
  const h = buildAlertApp(t);
  const setup = async () => {
    await h.deploy('echo');
    await h.provider.secrets.create({ name: 'key', namespace: NS, value: Buffer.from('v') });
  };
  return { ...h, setup };
}

test('every /system route: 401 invalid credentials with a Basic challenge, nothing changed', async (t) => {
  const h = build(t);
  await h.setup();
  for (const [method, path, body] of ROUTES) {
    for (const [why, header] of WRONG) {
      await t.test(`${method} ${path}: ${why}`, async () => {
        let r = request(h.app)[method](path);
        if (header !== undefined) r = r.set('Authorization', header);
        const res = await (body === undefined ? r : r.send(body as object));
        assert.equal(res.status, 401, res.text);
        assert.equal(res.headers['www-authenticate'], 'Basic realm="Restricted"');
        assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
        assert.equal(res.text, 'invalid credentials\n');
      });
    }
  }
  const state = await h.provider.get('echo', NS);
  assert.deepEqual([state.image, state.replicas], ['img', 1], 'echo unchanged');
  assert.deepEqual(
    (await h.provider.list(NS)).map((f) => f.name),
    ['echo'],
  );
  assert.deepEqual([...h.provider.secretValues.keys()], [`${NS}/key`]);
  assert.equal(h.provider.secretValues.get(`${NS}/key`)?.toString(), 'v');
});

test('credentials are checked before the body: malformed or oversize bodies still get 401', async (t) => {
  const h = build(t);
  for (const body of ['{bad', 'x'.repeat(2 * 1024 * 1024)]) {
    const res = await request(h.app)
      .post('/system/functions')
      .set('Content-Type', 'application/json')
      .send(body);
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Basic realm="Restricted"');
  }
});

test('the right credentials pass, whatever the case of the scheme; open routes need none', async (t) => {
  const h = build(t);
  const token = Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64');
  for (const scheme of ['Basic', 'basic', 'BASIC']) {
    await request(h.app)
      .get('/system/functions')
      .set('Authorization', `${scheme} ${token}`)
      .expect(200);
  }
  await request(h.app).get('/healthz').expect(200);
  await request(h.app).get('/metrics').expect(200);
  await request(h.app).post('/function/ghost').expect(404);
});
