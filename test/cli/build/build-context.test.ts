import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import { extract } from 'tar-stream';
import { contextTar, planFolder } from '../../../cli/build/build-context.ts';

async function listTar(tar: Readable): Promise<string[]> {
  const ex = extract();
  tar.pipe(ex as unknown as NodeJS.WritableStream);
  const seen: string[] = [];
  for await (const entry of ex) {
    const h = entry.header;
    const body: Buffer[] = [];
    for await (const chunk of entry) body.push(chunk as Buffer);
    const what =
      h.type === 'symlink'
        ? `-> ${h.linkname ?? ''}`
        : h.type === 'file'
          ? `${(h.mode ?? 0).toString(8)} ${Buffer.concat(body).toString()}`
          : h.type;
    seen.push(`${h.name} ${what}`);
  }
  return seen;
}

test('a folder is packed under a prefix with modes and symlinks; .git is left out', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'faas-context-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'function', 'node_modules', '.bin'), { recursive: true });
  await mkdir(join(dir, '.git'));
  await writeFile(join(dir, '.git', 'HEAD'), 'ref');
  await writeFile(join(dir, 'index.js'), 'main');
  await writeFile(join(dir, 'function', 'handler.sh'), 'echo hi');
  await chmod(join(dir, 'function', 'handler.sh'), 0o755);
  await symlink('../x/cli.js', join(dir, 'function', 'node_modules', '.bin', 'x'));

  const entries = await planFolder(dir, 'app');
  const tar = contextTar([
    ...entries,
    { type: 'text', name: 'Dockerfile', mode: 0o644, text: 'FROM a' },
    { type: 'text', name: 'Dockerfile', mode: 0o644, text: 'FROM b' },
  ]);
  assert.deepEqual(await listTar(tar), [
    'app directory',
    'app/function directory',
    'app/function/handler.sh 755 echo hi',
    'app/function/node_modules directory',
    'app/function/node_modules/.bin directory',
    'app/function/node_modules/.bin/x -> ../x/cli.js',
    'app/index.js 644 main',
    'Dockerfile 644 FROM b',
  ]);
});

test('without a prefix the folder is the root of the context', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'faas-context-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'Dockerfile'), 'FROM x');
  assert.deepEqual(await listTar(contextTar(await planFolder(dir, ''))), ['Dockerfile 644 FROM x']);
});
