/**
 * The platform of one Swarm bench run, brought up and taken down the way the Swarm e2e test
 * does it (test/e2e/swarm-harness.ts): the real `faas` CLI with names unique to the run
 * (`bench-<id>-…` services and secrets, a `bench-<id>-functions` network, images under
 * `faas-bench-<id>/`), `faas swarm up` on a free loopback port, `faas build` of the sample
 * `echo` function (classic watchdog, fork mode, `fprocess=cat`), and a cleanup that removes
 * everything carrying the run's names, even after a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { stringify } from 'yaml';
import { faas, gatewayFetch, removeRunObjects, swarmFlags } from '../../test/e2e/swarm-harness.ts';
import type { Run, RunNames } from '../../test/e2e/swarm-harness.ts';
import { waitUntilOk } from '../lib/processes.ts';

export interface Platform {
  readonly names: RunNames;
  /** http://127.0.0.1:PORT, the gateway's host-mode published port. */
  readonly url: string;
  /** The fork-mode `cat` function image built for this run. */
  readonly image: string;
  /** Fetch on the gateway with the admin's basic auth. */
  readonly api: ReturnType<typeof gatewayFetch>;
  /** How long `faas swarm up` and `faas build` took, in ms. */
  readonly upMs: number;
  readonly buildMs: number;
}

export function benchNames(): RunNames {
  const id = randomBytes(3).toString('hex');
  return {
    id,
    prefix: `bench-${id}-`,
    service: `bench-${id}-gateway`,
    network: `bench-${id}-functions`,
    images: `faas-bench-${id}`,
  };
}

/** A stack with the sample `echo` (a classic `cat`) under this run's image name. */
function writeStack(dir: string, n: RunNames, url: string): string {
  const image = `${n.images}/cat:latest`;
  const fn = { lang: 'bash', handler: resolve('functions/echo'), image, fprocess: 'cat' };
  const stack = {
    version: '1.0',
    provider: { name: 'openfaas', gateway: url },
    functions: { [`${n.prefix}cat`]: fn },
  };
  writeFileSync(join(dir, 'stack.yml'), stringify(stack));
  return image;
}

const ok = (r: Run, what: string): Run => {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
};

/** A run's CLI: the working folder (stack, password, CLI config) and its cleanup. */
export interface Workspace {
  readonly names: RunNames;
  readonly dir: string;
  cli(args: string[]): Promise<Run>;
  /** Removes the platform, the run's services, secrets, network, images and the folder. */
  cleanup(docker: Docker): Promise<void>;
}

export function workspace(names: RunNames, url: string): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'faas-bench-swarm-'));
  const env = { OPENFAAS_URL: url, OPENFAAS_CONFIG: join(dir, 'cli-config') };
  const cli = (args: string[]): Promise<Run> => faas(dir, env, args);
  return {
    names,
    dir,
    cli,
    async cleanup(docker) {
      await cli(['swarm', 'down', '--all', ...swarmFlags(names)]);
      await removeRunObjects(docker, names);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `faas swarm up` (the gateway image built under the run's names), then `faas build`. */
export async function bringUp(
  ws: Workspace,
  port: number,
  say: (l: string) => void,
): Promise<Platform> {
  const n = ws.names;
  const url = `http://127.0.0.1:${port}`;
  const gatewayImage = `${n.images}/gateway:latest`;
  say(`swarm up: service ${n.service}, network ${n.network}, port ${port}`);
  const up = ok(
    await ws.cli([
      'swarm',
      'up',
      '--port',
      String(port),
      '--image',
      gatewayImage,
      ...swarmFlags(n),
    ]),
    'faas swarm up',
  );
  await waitUntilOk(`${url}/healthz`, 30_000);
  const password = readFileSync(
    join(ws.dir, '.faas/swarm', `${n.prefix}basic-auth-password`),
    'utf8',
  );
  const api = gatewayFetch(url, 'admin', password.trim());
  const info = (await (await api('/system/info')).json()) as {
    provider?: { orchestration?: string };
  };
  if (info.provider?.orchestration !== 'swarm') {
    throw new Error(`the gateway runs the ${info.provider?.orchestration ?? '?'} provider`);
  }
  const image = writeStack(ws.dir, n, url);
  say(`build ${image}`);
  const build = ok(await ws.cli(['build', '-f', 'stack.yml']), 'faas build');
  return { names: n, url, image, api, upMs: up.ms, buildMs: build.ms };
}
