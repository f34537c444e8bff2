/**
 * Builds a root filesystem tarball from binaries of the host, for `docker import`: each binary,
 * every shared library `ldd` lists for it (with the dynamic loader), the symlinks on the way to
 * them (`/bin -> usr/bin` on merged-/usr systems), a `/tmp` with mode 1777 and a minimal
 * `/etc/passwd` and `/etc/group`. No registry and no base image are needed, which is how faas
 * makes images on machines that reach no registry.
 *
 * @example
 * const tar = await hostRootfsTar([process.execPath, '/bin/cat']);
 * await docker.importImage(tar, { repo: 'faas/node-base', tag: '20' });
 *
 * @module
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { pack as tarPack } from 'tar-stream';
import type { Pack } from 'tar-stream';

/** One entry of the root filesystem; `name` is relative to its root (no leading slash). */
export type RootfsEntry =
  | { type: 'directory'; name: string; mode: number }
  | { type: 'symlink'; name: string; linkname: string }
  | { type: 'file'; name: string; mode: number; size: number; source: string }
  | { type: 'text'; name: string; mode: number; text: string };

/** What every image gets besides its binaries: a world-writable /tmp and minimal users. */
export const BASE_ENTRIES: readonly RootfsEntry[] = Object.freeze([
  { type: 'directory', name: 'tmp', mode: 0o1777 },
  { type: 'directory', name: 'etc', mode: 0o755 },
  {
    type: 'text',
    name: 'etc/passwd',
    mode: 0o644,
    text:
      'root:x:0:0:root:/root:/usr/sbin/nologin\n' +
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  },
  { type: 'text', name: 'etc/group', mode: 0o644, text: 'root:x:0:\nnogroup:x:65534:\n' },
]);

const MAX_SYMLINKS = 32;

/**
 * Parses the output of `ldd BINARY` into the absolute paths of the libraries it loads,
 * including the dynamic loader. Throws, naming the library, when one is "not found".
 */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const missing = /^\s*(\S+) => not found/.exec(line);
    if (missing) {
      throw new Error(`shared library ${missing[1]} is not found on this host; install it first`);
    }
    const match = /^\s*(?:\S+ => )?(\/\S+) \(0x[0-9a-f]+\)/.exec(line);
    if (match?.[1] !== undefined) paths.push(match[1]);
  }
  return paths;
}

const execFileAsync = promisify(execFile);

/** The shared libraries of a host binary, from `ldd`; none for a static binary. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync('ldd', [binary]);
    return parseLdd(stdout);
  } catch (error) {
    const out = String((error as { stdout?: unknown }).stdout ?? '');
    if (out.includes('not a dynamic executable') || out.includes('statically linked')) return [];
    throw new Error(`ldd ${binary} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Adds a host path to `plan` as it is on the host: each directory on the way, each symlink
 * (followed to its target, which is added too) and the regular file at the end.
 */
export async function addHostPath(
  path: string,
  plan: Map<string, RootfsEntry>,
  depth = 0,
): Promise<void> {
  if (depth > MAX_SYMLINKS) throw new Error(`too many levels of symlinks resolving ${path}`);
  const parts = path.split('/').filter((p) => p !== '');
  let current = '';
  for (const [i, part] of parts.entries()) {
    current = `${current}/${part}`;
    const stat = await lstatNamed(current);
    const name = current.slice(1);
    if (stat.isSymbolicLink()) {
      const linkname = await readlink(current);
      plan.set(name, { type: 'symlink', name, linkname });
      const target = resolve(dirname(current), linkname, ...parts.slice(i + 1));
      return addHostPath(target, plan, depth + 1);
    }
    if (i < parts.length - 1) {
      if (!plan.has(name)) plan.set(name, { type: 'directory', name, mode: stat.mode & 0o7777 });
      continue;
    }
    if (!stat.isFile()) throw new Error(`${current} is not a regular file; give a binary's path`);
    plan.set(name, {
      type: 'file',
      name,
      mode: stat.mode & 0o7777,
      size: stat.size,
      source: current,
    });
  }
}

async function lstatNamed(path: string): Promise<Stats> {
  try {
    return await lstat(path);
  } catch (error) {
    throw new Error(`cannot read ${path} on this host: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Plans the root filesystem for the given absolute host binary paths: the binaries, their
 * shared libraries, the symlinks on the way, then `extra` entries (after BASE_ENTRIES).
 */
export async function planHostRootfs(
  binaries: readonly string[],
  extra: readonly RootfsEntry[] = [],
): Promise<RootfsEntry[]> {
  const plan = new Map<string, RootfsEntry>();
  for (const binary of binaries) {
    if (!isAbsolute(binary)) throw new Error(`binary path ${binary} must be absolute`);
    await addHostPath(binary, plan);
    for (const library of await sharedLibraries(binary)) await addHostPath(library, plan);
  }
  for (const entry of [...BASE_ENTRIES, ...extra]) plan.set(entry.name, entry);
  return [...plan.values()];
}

/** Streams planned entries as a tar archive; files are read from the host as they are packed. */
export function packRootfs(entries: readonly RootfsEntry[]): Readable {
  const pack = tarPack();
  const fill = async (): Promise<void> => {
    for (const entry of entries) await packEntry(pack, entry);
    pack.finalize();
  };
  fill().catch((error: unknown) => pack.destroy(error as Error));
  return Readable.from(pack, { objectMode: false });
}

function packEntry(pack: Pack, entry: RootfsEntry): Promise<void> {
  const owner = { uid: 0, gid: 0, mtime: new Date(0) };
  return new Promise((done, fail) => {
    const callback = (error?: Error | null): void => (error ? fail(error) : done());
    switch (entry.type) {
      case 'directory':
        pack.entry({ ...owner, name: entry.name, type: 'directory', mode: entry.mode }, callback);
        return;
      case 'symlink':
        pack.entry(
          { ...owner, name: entry.name, type: 'symlink', mode: 0o777, linkname: entry.linkname },
          callback,
        );
        return;
      case 'text':
        pack.entry({ ...owner, name: entry.name, mode: entry.mode }, entry.text, callback);
        return;
      case 'file': {
        const header = { ...owner, name: entry.name, mode: entry.mode, size: entry.size };
        const sink = pack.entry(header, callback);
        createReadStream(entry.source).on('error', fail).pipe(sink);
        return;
      }
    }
  });
}

/**
 * A root filesystem tarball holding the given absolute host binary paths with everything they
 * need to run (see the module doc). Rejects, naming the path, if a binary or library is missing.
 */
export async function hostRootfsTar(
  binaries: readonly string[],
  extra: readonly RootfsEntry[] = [],
): Promise<Readable> {
  return packRootfs(await planHostRootfs(binaries, extra));
}
