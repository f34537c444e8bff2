import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { extract } from 'tar-stream';
import type { RootfsEntry } from '../../../cli/images/host-rootfs.ts';
import {
  addHostPath,
  packRootfs,
  parseLdd,
  planHostRootfs,
} from '../../../cli/images/host-rootfs.ts';

const LDD_NODE = `
\tlinux-vdso.so.1 (0x00007ffd1e5f1000)
\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f3c7f400000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f3c7f13e000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f3c7f6bd000)
`;

test('parseLdd lists libraries and the loader, not the vDSO', () => {
  assert.deepEqual(parseLdd(LDD_NODE), [
    '/lib/x86_64-linux-gnu/libstdc++.so.6',
    '/lib/x86_64-linux-gnu/libc.so.6',
    '/lib64/ld-linux-x86-64.so.2',
  ]);
});

test('parseLdd names a missing library', () => {
  assert.throws(
    () => parseLdd('\tlibfoo.so.1 => not found\n'),
    /shared library libfoo\.so\.1 is not found on this host/,
  );
});

test('addHostPath keeps symlinked directories and files as symlinks', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'host-rootfs-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'usr/lib'), { recursive: true });
  await writeFile(join(root, 'usr/lib/libx.so.1.2'), 'elf');
  await symlink('libx.so.1.2', join(root, 'usr/lib/libx.so.1'));
  await symlink('usr/lib', join(root, 'lib'));
  const plan = new Map<string, RootfsEntry>();
  await addHostPath(join(root, 'lib/libx.so.1'), plan);
  const prefix = `${root.slice(1)}/`;
  const inRoot = [...plan.values()]
    .filter((e) => e.name.startsWith(prefix))
    .map((e) => [e.type, e.name.slice(prefix.length)]);
  assert.deepEqual(inRoot, [
    ['symlink', 'lib'],
    ['directory', 'usr'],
    ['directory', 'usr/lib'],
    ['symlink', 'usr/lib/libx.so.1'],
    ['file', 'usr/lib/libx.so.1.2'],
  ]);
});

test('planHostRootfs names a missing binary', async () => {
  await assert.rejects(planHostRootfs(['/nonexistent/bin/node']), /cannot read \/nonexistent/);
  await assert.rejects(planHostRootfs(['node']), /binary path node must be absolute/);
});

test('the rootfs of node and cat holds them, their loader, /tmp and /etc/passwd', async () => {
  const plan = await planHostRootfs([process.execPath, '/bin/cat']);
  const names = plan.map((e) => e.name);
  for (const name of [process.execPath.slice(1), 'bin', 'tmp', 'etc/passwd']) {
    assert.ok(names.includes(name), `${name} in ${names.join(' ')}`);
  }
  assert.ok(names.some((n) => /ld-linux/.test(n)));
  const small = plan.filter((e) => e.type !== 'file');
  const packed: string[] = [];
  const reader = extract();
  packRootfs(small).pipe(reader);
  for await (const entry of reader) {
    packed.push(entry.header.name);
    entry.resume();
  }
  assert.deepEqual(
    packed,
    small.map((e) => e.name),
  );
});
