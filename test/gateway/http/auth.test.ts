/** Basic auth on /system/*: the header parsed as RFC 7617 says, compared in constant time. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import express from 'express';
import request from 'supertest';
import { FaasError } from '../../../gateway/contract/errors.ts';
import { parseBasicAuth, requireBasicAuth, sameSecret } from '../../../gateway/http/auth.ts';
import { errorHandler } from '../../../gateway/http/error-table.ts';
import { silentLogger } from '../../../gateway/log.ts';

const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

test('sameSecret: equal or not, whatever the lengths, without throwing', () => {
  assert.equal(sameSecret('s3cret', 's3cret'), true);
  assert.equal(sameSecret('', ''), true);
  assert.equal(sameSecret('s3cret', 's3creT'), false);
  // timingSafeEqual throws on buffers of different lengths; hashing first makes them 32 bytes.
  for (const other of ['', 's', 's3cret-and-more', 'x'.repeat(10_000)])
    assert.equal(sameSecret('s3cret', other), false, other.slice(0, 20));
});

test('parseBasicAuth: user and password split on the first colon; anything else is no credentials', () => {
  assert.deepEqual(parseBasicAuth(basic('admin:pw')), { user: 'admin', password: 'pw' });
  assert.deepEqual(parseBasicAuth(basic('admin:p:w:')), { user: 'admin', password: 'p:w:' });
  assert.deepEqual(parseBasicAuth(basic(':')), { user: '', password: '' });
  assert.deepEqual(parseBasicAuth(`basic ${basic('a:b').slice(6)}`), { user: 'a', password: 'b' });
  for (const header of [undefined, '', 'Basic', 'Basic !!!', basic('admin'), 'Bearer abc'])
    assert.equal(parseBasicAuth(header), undefined, String(header));
});

test('requireBasicAuth: 401 invalid credentials with the Basic challenge, else next()', async () => {
  const app = express();
  app.use(requireBasicAuth({ user: 'admin', password: 'pw' }));
  app.get('/system/x', (_req, res) => void res.send('in'));
  app.use(errorHandler(silentLogger));
  for (const header of [undefined, basic('admin:PW'), basic('Admin:pw'), basic('admin:pw ')]) {
    let r = request(app).get('/system/x');
    if (header) r = r.set('Authorization', header);
    const res = await r;
    assert.equal(res.status, 401, String(header));
    assert.equal(res.headers['www-authenticate'], 'Basic realm="Restricted"');
    assert.equal(res.text, 'invalid credentials\n');
  }
  await request(app).get('/system/x').set('Authorization', basic('admin:pw')).expect(200, 'in');
});

test('the 401 is the error table’s UNAUTHORIZED answer, wherever it is raised', async () => {
  const app = express();
  app.get('/system/y', () => {
    throw new FaasError('UNAUTHORIZED', 'anything');
  });
  app.use(errorHandler(silentLogger));
  const res = await request(app).get('/system/y');
  assert.equal(res.status, 401);
  assert.equal(res.text, 'invalid credentials\n');
});
