/**
 * What the Swarm e2e test needs around the real CLI: unique names per run, the sample stack
 * renamed into them, the CLI as a subprocess, an authenticated fetch on the published port,
 * and a cleanup that removes whatever carries this run's names, even after a failure.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { parse, stringify } from 'yaml';

export const CLI = resolve('dist/faas.mjs');

/** Names no other run (nor anyone's real platform) uses. */
export interface RunNames {
  readonly id: string;
  /** Prefix of function services, function secrets and the credential secrets. */
  readonly prefix: string;
  readonly service: string;
  readonly network: string;
  /** Repository prefix of this run's function images. */
  readonly images: string;
}

export function runNames(): RunNames {
  const id = randomBytes(3).toString('hex');
  return {
    id,
    prefix: `e2e-${id}-`,
    service: `e2e-${id}-gateway`,
    network: `e2e-${id}-functions`,
    images: `faas-e2e-${id}`,
  };
}

/** The flags that point `faas swarm up|down` at this run's names. */
export const swarmFlags = (n: RunNames): string[] => [
  '--name',
  n.service,
  '--network',
  n.network,
  '--secret-prefix',
  n.prefix,
];

/**
 * The repository's stack.yml with every function renamed `<prefix><name>`, its handler made
 * absolute and its image put under this run's repository; written to `dir`. Returns the names
 * (sample name → deployed name).
 */
export function writeRunStack(dir: string, n: RunNames, gateway: string): Map<string, string> {
  const doc = parse(readFileSync(resolve('stack.yml'), 'utf8')) as {
    provider: { gateway?: string };
    functions: Record<string, { handler: string; image: string }>;
  };
  const names = new Map<string, string>();
  const functions: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(doc.functions)) {
    names.set(name, `${n.prefix}${name}`);
    functions[`${n.prefix}${name}`] = {
      ...fn,
      handler: resolve(fn.handler),
      image: `${n.images}/${name}:latest`,
    };
  }
  writeFileSync(
    join(dir, 'stack.yml'),
    stringify({ ...doc, version: '1.0', provider: { ...doc.provider, gateway }, functions }),
  );
  return names;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the CLI in `cwd` with `env` (plus PATH and HOME) and resolves with its output. */
export function faas(
  cwd: string,
  env: Record<string, string>,
  args: string[],
  stdin = '',
): Promise<Run> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => done({ code: null, stdout, stderr: e.message, ms: 0 }));
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
    child.stdin.end(stdin);
  });
}

/** A fetch on the gateway with basic auth, bounded in time. */
export function gatewayFetch(base: string, user: string, password: string) {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: auth, ...(init.headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(10_000),
    });
}

const ignore = (): void => {};

/**
 * Removes everything named by this run: services and secrets whose names start with its
 * prefix, its network and its function images. Errors are ignored: cleanup never hides the
 * failure that led to it.
 */
export async function removeRunObjects(docker: Docker, n: RunNames): Promise<void> {
  const services = (await docker
    .listServices({ filters: { name: [n.prefix] } })
    .catch(() => [])) as unknown as { ID: string; Spec?: { Name?: string } }[];
  for (const s of services) {
    if (s.Spec?.Name?.startsWith(n.prefix)) await docker.getService(s.ID).remove().catch(ignore);
  }
  const secrets = (await docker.listSecrets({ filters: { name: [n.prefix] } }).catch(() => [])) as {
    ID: string;
    Spec?: { Name?: string };
  }[];
  for (const s of secrets) {
    if (s.Spec?.Name?.startsWith(n.prefix)) await docker.getSecret(s.ID).remove().catch(ignore);
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const nets = (await docker
      .listNetworks({ filters: { name: [n.network] } })
      .catch(() => [])) as { Id: string; Name: string }[];
    const net = nets.find((x) => x.Name === n.network);
    if (!net) break;
    const removed = await docker
      .getNetwork(net.Id)
      .remove()
      .then(
        () => true,
        () => false,
      );
    if (removed) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const images = (await docker.listImages().catch(() => [])) as { RepoTags?: string[] }[];
  for (const tag of images.flatMap((i) => i.RepoTags ?? [])) {
    if (tag.startsWith(`${n.images}/`))
      await docker.getImage(tag).remove({ force: true }).catch(ignore); // stopped task containers may still use it
  }
}
