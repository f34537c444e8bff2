/**
 * Build contexts for the Engine API: a folder's files (with their modes and symlinks) under a
 * prefix, plus generated files, as one tar stream (packed by host-rootfs.ts's packRootfs).
 *
 * @module
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { packRootfs } from '../images/host-rootfs.ts';
import type { RootfsEntry } from '../images/host-rootfs.ts';

/** Names never sent to the engine from a handler folder of lang `dockerfile`. */
const SKIPPED = new Set(['.git']);

/**
 * The entries of `dir`, recursively, named `prefix/<relative path>` (or the relative path when
 * `prefix` is empty). Sockets, devices and fifos are left out.
 */
export async function planFolder(dir: string, prefix: string): Promise<RootfsEntry[]> {
  const entries: RootfsEntry[] = [];
  const walk = async (hostDir: string, name: string): Promise<void> => {
    const children = await readdir(hostDir, { withFileTypes: true });
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      if (SKIPPED.has(child.name)) continue;
      const source = join(hostDir, child.name);
      const entryName = name === '' ? child.name : `${name}/${child.name}`;
      const stat = await lstat(source);
      if (stat.isSymbolicLink()) {
        entries.push({ type: 'symlink', name: entryName, linkname: await readlink(source) });
      } else if (stat.isDirectory()) {
        entries.push({ type: 'directory', name: entryName, mode: stat.mode & 0o7777 });
        await walk(source, entryName);
      } else if (stat.isFile()) {
        const mode = stat.mode & 0o7777;
        entries.push({ type: 'file', name: entryName, mode, size: stat.size, source });
      }
    }
  };
  if (prefix !== '') entries.push({ type: 'directory', name: prefix, mode: 0o755 });
  await walk(dir, prefix);
  return entries;
}

/** The tar stream of a build context; later entries with the same name replace earlier ones. */
export function contextTar(entries: readonly RootfsEntry[]): Readable {
  const byName = new Map<string, RootfsEntry>();
  for (const e of entries) {
    byName.delete(e.name);
    byName.set(e.name, e);
  }
  return packRootfs([...byName.values()]);
}
