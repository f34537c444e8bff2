/**
 * The admin credentials: from env (development), else OpenFaaS's two files (trimmed), else
 * generated on first start, written owner-only, and shown in the log on that start only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import {
  PASSWORD_FILE,
  USER_FILE,
  credentialsNotice,
  loadCredentials,
} from '../../gateway/credentials.ts';

function secretsDir(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'faas-creds-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return join(root, 'gateway-secrets');
}

const mode = (path: string): number => statSync(path).mode & 0o777;
const shows = (lines: string[], secret: string): boolean => lines.some((l) => l.includes(secret));

test('first start: a generated password, written owner-only, shown once', async (t) => {
  const dir = secretsDir(t);
  const opts = { secretMountPath: dir, adminUser: undefined, adminPassword: undefined };
  const first = await loadCredentials(opts);
  assert.equal(first.generated, true);
  assert.equal(first.user, 'admin');
  assert.ok(first.password.length >= 32, 'at least 24 random bytes');
  assert.equal(first.passwordFile, join(dir, PASSWORD_FILE));
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, PASSWORD_FILE)), 0o600);
  assert.equal(mode(join(dir, USER_FILE)), 0o600);
  assert.equal(readFileSync(join(dir, PASSWORD_FILE), 'utf8').trim(), first.password);
  assert.ok(shows(credentialsNotice(first), first.password), 'shown on the start that made it');
  assert.ok(shows(credentialsNotice(first), join(dir, PASSWORD_FILE)));

  const second = await loadCredentials(opts);
  assert.deepEqual(
    [second.user, second.password, second.generated],
    ['admin', first.password, false],
  );
  assert.equal(shows(credentialsNotice(second), first.password), false, 'never shown again');
  assert.ok(shows(credentialsNotice(second), join(dir, PASSWORD_FILE)), 'the file is named');
});

test("OpenFaaS's files are read trimmed; the user file wins over admin_user", async (t) => {
  const dir = secretsDir(t);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, USER_FILE), '  alice \n');
  writeFileSync(join(dir, PASSWORD_FILE), '\t s3cret \n\n');
  const c = await loadCredentials({
    secretMountPath: dir,
    adminUser: 'bob',
    adminPassword: undefined,
  });
  assert.deepEqual([c.user, c.password, c.generated], ['alice', 's3cret', false]);
  assert.equal(shows(credentialsNotice(c), 's3cret'), false);
});

test('admin_password (and admin_user) from env override the files and write nothing', async (t) => {
  const dir = secretsDir(t);
  const c = await loadCredentials({
    secretMountPath: dir,
    adminUser: undefined,
    adminPassword: 'pw',
  });
  assert.deepEqual(c, { user: 'admin', password: 'pw', passwordFile: undefined, generated: false });
  assert.throws(() => statSync(dir), /ENOENT/, 'no files written');
  const named = await loadCredentials({
    secretMountPath: dir,
    adminUser: 'root',
    adminPassword: 'pw',
  });
  assert.equal(named.user, 'root');
  assert.deepEqual(credentialsNotice(named), [], 'an env password is never logged');
  assert.match(credentialsNotice(undefined)[0] ?? '', /basic auth is off/);
});
