/**
 * The admin credentials for /system/*: env (development), else the files OpenFaaS reads
 * (`basic-auth-user`, `basic-auth-password` in secret_mount_path), else generated on first
 * start, written owner-only, and shown once.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Credentials } from './http/auth.ts';

export const USER_FILE = 'basic-auth-user';
export const PASSWORD_FILE = 'basic-auth-password';

export interface LoadedCredentials extends Credentials {
  /** Where the password lives (undefined when it came from env). */
  readonly passwordFile: string | undefined;
  /** Set only on the start that created the password. */
  readonly generated: boolean;
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function loadCredentials(o: {
  secretMountPath: string;
  adminUser: string | undefined;
  adminPassword: string | undefined;
}): Promise<LoadedCredentials> {
  if (o.adminPassword) {
    return {
      user: o.adminUser ?? 'admin',
      password: o.adminPassword,
      passwordFile: undefined,
      generated: false,
    };
  }
  const passwordFile = join(o.secretMountPath, PASSWORD_FILE);
  const user = (await readTrimmed(join(o.secretMountPath, USER_FILE))) || o.adminUser || 'admin';
  const password = await readTrimmed(passwordFile);
  if (password) return { user, password, passwordFile, generated: false };

  const fresh = randomBytes(24).toString('base64url');
  await mkdir(o.secretMountPath, { recursive: true, mode: 0o700 });
  await writeFile(join(o.secretMountPath, USER_FILE), `${user}\n`, { mode: 0o600 });
  await writeFile(passwordFile, `${fresh}\n`, { mode: 0o600 });
  return { user, password: fresh, passwordFile, generated: true };
}

/**
 * What the gateway logs about its credentials at start: the generated password only on the
 * start that created it (it is in the owner-only file after that), never one from a file or env.
 */
export function credentialsNotice(c: LoadedCredentials | undefined): string[] {
  if (c === undefined) return ['basic auth is off (basic_auth=false): /system/* is open'];
  if (c.generated) {
    return [
      `admin user: ${c.user}; generated password (shown once): ${c.password}`,
      `the password is stored in ${c.passwordFile} (owner-only)`,
    ];
  }
  return c.passwordFile ? [`admin user: ${c.user}; password in ${c.passwordFile}`] : [];
}
