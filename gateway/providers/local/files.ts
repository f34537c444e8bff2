/**
 * Small file-system helpers for the local provider: atomic writes, owner-only directories and
 * a guard that keeps names from ever walking out of the directory they are joined onto.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FaasError } from '../../contract/errors.ts';

/**
 * Returns `name` when it is a single, harmless path segment. Names reaching the provider are
 * already DNS labels (gateway/contract/names.ts); this is defence in depth.
 */
export function pathSegment(kind: string, name: string): string {
  const bad =
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.startsWith('.') ||
    /[/\\\0]/.test(name) ||
    name.length > 255;
  if (bad)
    throw new FaasError('INVALID_NAME', `${kind} ${JSON.stringify(name)} is not a safe name`);
  return name;
}

/** mkdir -p with mode 0700, and 0700 on the leaf even when it already existed. */
export async function ensurePrivateDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/** A temp file beside `path` (same file system, so rename is atomic); dot-named so lists skip it. */
export const tempPathFor = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

/** Writes `data` to a temp file with `mode`, then renames it over `path`. */
export async function writeFileAtomic(
  path: string,
  data: string | Buffer,
  mode = 0o600,
): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export const isErrno = (err: unknown, code: string): boolean =>
  err instanceof Error && (err as NodeJS.ErrnoException).code === code;
