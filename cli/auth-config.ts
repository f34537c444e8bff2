/**
 * Credentials from `faas login`, kept where and how faas-cli keeps them
 * (`~/.openfaas/config.yml`, or `$OPENFAAS_CONFIG/config.yml`) so both CLIs share a login.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

interface AuthEntry {
  gateway: string;
  auth: string;
  token: string;
}

export const configFile = (dir: string): string => join(dir, 'config.yml');

async function readAuths(dir: string): Promise<AuthEntry[]> {
  let text: string;
  try {
    text = await readFile(configFile(dir), 'utf8');
  } catch {
    return [];
  }
  const doc = parse(text) as { auths?: AuthEntry[] } | null;
  return Array.isArray(doc?.auths) ? doc.auths : [];
}

export async function tokenFor(dir: string, gateway: string): Promise<string | undefined> {
  return (await readAuths(dir)).find((a) => a.gateway === gateway && a.auth === 'basic')?.token;
}

/** Stores base64(user:password) for the gateway, owner-only. */
export async function saveLogin(
  dir: string,
  gateway: string,
  user: string,
  password: string,
): Promise<void> {
  const token = Buffer.from(`${user}:${password}`).toString('base64');
  const auths = (await readAuths(dir)).filter((a) => a.gateway !== gateway);
  auths.push({ gateway, auth: 'basic', token });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // a fresh file renamed over the old one: writeFile's mode applies only to a file it creates,
  // and an existing 0644 config.yml must not keep a token world-readable
  const fresh = `${configFile(dir)}.${process.pid}.tmp`;
  await writeFile(fresh, stringify({ auths }), { mode: 0o600 });
  await rename(fresh, configFile(dir));
}
