/**
 * What the Swarm e2e test needs around the real CLI: unique names per run, the sample stack
 * renamed into them, the CLI as a subprocess, an authenticated fetch on the published port,
 * and a cleanup that removes whatever carries this run's names, even after a failure.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import type Docker from 'dockerode';
import { parse, stringify } from 'yaml';
import { requireDocker } from '../support/docker.ts';
import { until } from '../support/poll.ts';
import { freePort } from './harness.ts';

/** A client for a dockerd in an active swarm; fails in CI (which must provide one), skips elsewhere. */
export async function requireSwarm(t: TestContext): Promise<Docker | undefined> {
  const docker = await requireDocker(t);
  if (!docker) return undefined;
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string } };
  if (info.Swarm?.LocalNodeState === 'active') return docker;
  const why = 'this dockerd is not in a swarm: bash scripts/services.sh initialises one';
  if (process.env.CI === 'true') assert.fail(why);
  t.skip(why);
  return undefined;
}

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

export interface SwarmPlatform {
  readonly n: RunNames;
  readonly dir: string;
  /** http://127.0.0.1:PORT, the gateway's host-mode published port. */
  readonly url: string;
  /** The generated admin password's file (what Alertmanager reads). */
  readonly passwordFile: string;
  readonly api: ReturnType<typeof gatewayFetch>;
  /** The sample `echo` function (classic watchdog, `cat`) built for this run. */
  readonly image: string;
  cli(args: string[], stdin?: string): Promise<Run>;
}

/**
 * `faas swarm up` on a free port with the given gateway settings, then `faas build` of the
 * sample `echo`; everything is taken down in t.after, with the gateway's scaling and error log
 * lines printed so that a failure can be read. FAAS_E2E_GATEWAY_IMAGE deploys a prebuilt image.
 */
export async function upSwarmPlatform(
  t: TestContext,
  docker: Docker,
  settings: readonly string[],
): Promise<SwarmPlatform> {
  const n = runNames();
  const dir = mkdtempSync(join(tmpdir(), 'faas-e2e-swarm-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { OPENFAAS_URL: url, OPENFAAS_CONFIG: join(dir, 'cli-config') };
  const cli = (args: string[], stdin?: string): Promise<Run> => faas(dir, env, args, stdin);
  t.after(async () => {
    const logs = spawnSync('docker', ['service', 'logs', '--raw', n.service], { encoding: 'utf8' });
    const lines = `${logs.stdout}${logs.stderr}`.split('\n');
    for (const l of lines.filter((l) => / scale |: 503 |error/.test(l)).slice(-30)) {
      t.diagnostic(l);
    }
    await cli(['swarm', 'down', '--all', ...swarmFlags(n)]);
    await removeRunObjects(docker, n);
    rmSync(dir, { recursive: true, force: true });
  });
  const image = process.env.FAAS_E2E_GATEWAY_IMAGE;
  const prebuilt = image ? ['--image', image, '--skip-build'] : [];
  const envFlags = settings.flatMap((kv) => ['--env', kv]);
  const up = await cli([
    'swarm',
    'up',
    '--port',
    String(port),
    ...swarmFlags(n),
    ...envFlags,
    ...prebuilt,
  ]);
  assert.equal(up.code, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
  await until(
    'the gateway',
    () => fetch(`${url}/healthz`).then((r) => r.status),
    (s) => s === 200,
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  const passwordFile = join(dir, '.faas/swarm', `${n.prefix}basic-auth-password`);
  const api = gatewayFetch(url, 'admin', readFileSync(passwordFile, 'utf8').trim());
  const echo = writeRunStack(dir, n, url).get('echo')!;
  const build = await cli(['build', '-f', 'stack.yml', '--filter', echo]);
  assert.equal(build.code, 0, `build failed:\n${build.stdout}\n${build.stderr}`);
  return { n, dir, url, passwordFile, api, image: `${n.images}/echo:latest`, cli };
}
