import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { isFaasError } from '../../../../gateway/contract/errors.ts';
import {
  imageDir,
  readImage,
  writeImage,
} from '../../../../gateway/providers/local/image-store.ts';

function store(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'faas-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('writeImage then readImage: one encoded directory per image, files beside image.json', async (t) => {
  const dir = store(t);
  const image = 'ghcr.io/me/fn:1.0';
  const written = await writeImage(
    dir,
    image,
    { fprocess: 'sh run.sh', env: { a: '1' } },
    { 'run.sh': { content: 'echo hi\n', mode: 0o755 }, 'lib/data.txt': 'x' },
  );
  assert.equal(written, join(dir, 'ghcr.io%2Fme%2Ffn%3A1.0'));
  const read = await readImage(dir, image);
  assert.deepEqual(read, {
    dir: written,
    spec: { fprocess: 'sh run.sh', mode: 'fork', env: { a: '1' } },
  });
  assert.equal(statSync(join(written, 'run.sh')).mode & 0o777, 0o755);
  assert.ok(statSync(join(written, 'lib', 'data.txt')).isFile());
});

test('a missing image is IMAGE_NOT_FOUND naming the store and `faas build`', async (t) => {
  const dir = store(t);
  await assert.rejects(
    readImage(dir, 'nope'),
    (err) => isFaasError(err, 'IMAGE_NOT_FOUND') && err.message.includes(`(${dir})`),
  );
});

test('a malformed image.json names every problem', async (t) => {
  const dir = store(t);
  await mkdir(imageDir(dir, 'bad'));
  writeFileSync(join(imageDir(dir, 'bad'), 'image.json'), '{"mode":"cgi","env":{"a":1}}');
  await assert.rejects(
    readImage(dir, 'bad'),
    (err) =>
      isFaasError(err, 'PROVIDER_FAILURE') &&
      /fprocess: .*; mode: .*cgi.*; env: /.test(err.message),
  );
});

test('image names cannot leave the store, nor file names the entry', async (t) => {
  const dir = store(t);
  for (const image of ['', '.', '..']) {
    assert.throws(
      () => imageDir(dir, image),
      (err) => isFaasError(err, 'IMAGE_NOT_FOUND'),
    );
  }
  assert.equal(imageDir(dir, '../x'), join(dir, '..%2Fx'));
  await assert.rejects(writeImage(dir, 'x', { fprocess: 'cat' }, { '../escape': 'no' }), (err) =>
    isFaasError(err, 'INVALID_REQUEST'),
  );
});
