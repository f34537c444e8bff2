/**
 * Secrets as files: `<dir>/<namespace>/<name>`, 0600 files in 0700 directories. Values never
 * leave the store except into a function's own secrets folder (materialize), which holds only
 * the secrets that function was deployed with.
 */
import { link, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FaasError } from '../../contract/errors.ts';
import type { SecretStore } from '../provider.ts';
import { ensurePrivateDir, isErrno, pathSegment, tempPathFor, writeFileAtomic } from './files.ts';

type SecretWrite = Parameters<SecretStore['create']>[0];

export class SecretFiles implements SecretStore {
  constructor(readonly dir: string) {}

  #path(name: string, namespace: string): string {
    return join(this.dir, pathSegment('namespace', namespace), pathSegment('secret', name));
  }

  /** Secret names in `namespace`, sorted. */
  async names(namespace: string): Promise<string[]> {
    try {
      const entries = await readdir(join(this.dir, pathSegment('namespace', namespace)));
      return entries.filter((e) => !e.startsWith('.')).sort();
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }

  async list(namespace: string): Promise<{ name: string; namespace: string }[]> {
    return (await this.names(namespace)).map((name) => ({ name, namespace }));
  }

  /** Exclusive create: written to a temp file, then hard-linked into place (EEXIST if taken). */
  async create(s: SecretWrite): Promise<void> {
    const path = this.#path(s.name, s.namespace);
    await ensurePrivateDir(this.dir);
    await ensurePrivateDir(join(this.dir, s.namespace));
    const temp = tempPathFor(path);
    await writeFileAtomic(temp, s.value, 0o600);
    try {
      await link(temp, path);
    } catch (err) {
      if (isErrno(err, 'EEXIST')) {
        throw new FaasError('SECRET_EXISTS', `secret ${s.name} already exists`);
      }
      throw err;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async update(s: SecretWrite): Promise<void> {
    const path = this.#path(s.name, s.namespace);
    await this.#mustExist(path, s.name);
    await writeFileAtomic(path, s.value, 0o600);
  }

  async remove(name: string, namespace: string): Promise<void> {
    try {
      await rm(this.#path(name, namespace));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw notFound(name);
      throw err;
    }
  }

  /** UNKNOWN_SECRET naming the missing ones and the choices, unless all of `names` exist. */
  async assertKnown(namespace: string, names: readonly string[]): Promise<void> {
    const known = await this.names(namespace);
    const missing = names.filter((s) => !known.includes(s));
    if (missing.length > 0) {
      const choices = known.join(', ');
      throw new FaasError(
        'UNKNOWN_SECRET',
        `secret not found: ${missing.join(', ')}; possible choices: ${choices}`,
      );
    }
  }

  /** Makes `target` (0700) hold exactly copies of `names` (0600), removing any others. */
  async materialize(namespace: string, names: readonly string[], target: string): Promise<void> {
    await ensurePrivateDir(target);
    const wanted = new Set(names.map((n) => pathSegment('secret', n)));
    for (const present of await readdir(target)) {
      if (!wanted.has(present)) await rm(join(target, present), { force: true });
    }
    for (const name of wanted) {
      let value: Buffer;
      try {
        value = await readFile(this.#path(name, namespace));
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
        await rm(join(target, name), { force: true }); // removed since deploy: so is the copy
        continue;
      }
      await writeFileAtomic(join(target, name), value, 0o600);
    }
  }

  async #mustExist(path: string, name: string): Promise<void> {
    try {
      await stat(path);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw notFound(name);
      throw err;
    }
  }
}

const notFound = (name: string): FaasError =>
  new FaasError('SECRET_NOT_FOUND', `secret ${name} not found`);
