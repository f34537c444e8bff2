/**
 * What the Swarm tests share: function images built once per content (the Node base image plus
 * dist/watchdog.js, tagged by a hash, so every run and both test files reuse them), a name
 * prefix per run, a provider on a network of its own, and a cleanup that removes every service,
 * secret and network carrying the prefix, even after a failure.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type Docker from 'dockerode';
import {
  functionDockerfile,
  CONTEXT_APP_DIR,
  WATCHDOG_FILE,
} from '../../../../cli/build/dockerfile.ts';
import { contextTar } from '../../../../cli/build/build-context.ts';
import { followProgress, imageExists } from '../../../../cli/images/docker-engine.ts';
import type { RootfsEntry } from '../../../../cli/images/host-rootfs.ts';
import { SwarmProvider } from '../../../../gateway/providers/swarm/index.ts';
import type { SwarmProviderDeps } from '../../../../gateway/providers/swarm/index.ts';
import { ensureNodeBaseImage } from '../../../support/docker.ts';
import { until } from '../../../support/poll.ts';

export const WATCHDOG = resolve('dist/watchdog.js');

/** `echo` answers its body, `env` its environment, `secret` the secret file named by its body. */
export interface SwarmImages {
  readonly echo: string;
  readonly env: string;
  readonly secret: string;
}

const FILES: Readonly<Record<string, string>> = {
  'env.js': 'for (const [k, v] of Object.entries(process.env)) console.log(`${k}=${v}`);\n',
  'read-secret.sh': 'exec cat "/var/openfaas/secrets/$(cat)"\n',
};
const FPROCESS: Readonly<Record<keyof SwarmImages, string>> = {
  echo: 'cat',
  env: 'node env.js',
  secret: 'sh read-secret.sh',
};

async function buildImage(docker: Docker, tag: string, dockerfile: string, watchdog: Buffer) {
  const entries: RootfsEntry[] = [
    { type: 'directory', name: CONTEXT_APP_DIR, mode: 0o755 },
    ...Object.entries(FILES).map(([name, text]): RootfsEntry => ({
      type: 'text',
      name: `${CONTEXT_APP_DIR}/${name}`,
      mode: 0o644,
      text,
    })),
    { type: 'text', name: WATCHDOG_FILE, mode: 0o644, text: watchdog.toString('utf8') },
    { type: 'text', name: 'Dockerfile', mode: 0o644, text: dockerfile },
  ];
  await followProgress(docker, await docker.buildImage(contextTar(entries), { t: tag, rm: true }));
}

/** Builds the three images unless an earlier run did (the tag hashes everything in them). */
export async function ensureSwarmImages(docker: Docker): Promise<SwarmImages> {
  const base = await ensureNodeBaseImage(docker);
  const watchdog = await readFile(WATCHDOG);
  const out: Record<string, string> = {};
  for (const [kind, fprocess] of Object.entries(FPROCESS)) {
    const dockerfile = functionDockerfile({
      base,
      spec: { fprocess, mode: 'fork', env: {} },
      buildArgs: [],
    });
    const hash = createHash('sha256')
      .update(dockerfile)
      .update(watchdog)
      .update(JSON.stringify(FILES))
      .digest('hex')
      .slice(0, 12);
    const tag = `faas-test/swarm-${kind}:${hash}`;
    if (!(await imageExists(docker, tag))) await buildImage(docker, tag, dockerfile, watchdog);
    out[kind] = tag;
  }
  return out as unknown as SwarmImages;
}

/** A prefix no other run or engineer uses: `<what>-<pid>-<random>-`. */
export const runPrefix = (what: string): string =>
  `${what}-${process.pid}-${Math.random().toString(36).slice(2, 6)}-`;

/** Removes every service and secret named `prefix…`, then the network `network`. */
export async function cleanupPrefix(docker: Docker, prefix: string, network?: string) {
  const services = await docker.listServices({ filters: { name: [prefix] } });
  for (const s of services) {
    if (s.Spec?.Name?.startsWith(prefix))
      await docker
        .getService(s.ID)
        .remove()
        .catch(() => {});
  }
  const secrets = await docker.listSecrets({ filters: { name: [prefix] } });
  // a secret is in use until its service is gone from the store: retried
  await until(
    `secrets ${prefix}* to be removed`,
    async () => {
      const left = [];
      for (const s of secrets) {
        if (!s.Spec?.Name?.startsWith(prefix)) continue;
        try {
          await docker.getSecret(s.ID).remove();
        } catch (err) {
          if ((err as { statusCode?: number }).statusCode !== 404) left.push(s.Spec.Name);
        }
      }
      return left;
    },
    (left) => left.length === 0,
    { timeoutMs: 20_000, intervalMs: 250 },
  );
  if (network === undefined) return;
  // the network is in use until the removed services' containers have stopped
  await until(
    `network ${network} to be removed`,
    async () => {
      try {
        await docker.getNetwork(network).remove();
        return true;
      } catch (err) {
        return (err as { statusCode?: number }).statusCode === 404;
      }
    },
    (gone) => gone,
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

export interface SwarmHarness {
  readonly docker: Docker;
  readonly prefix: string;
  readonly network: string;
  readonly images: SwarmImages;
  readonly provider: SwarmProvider;
  close(): Promise<void>;
}

/** A started provider with its own prefix and network; close() removes all it made. */
export async function swarmHarness(
  docker: Docker,
  what: string,
  extra: Partial<SwarmProviderDeps> = {},
): Promise<SwarmHarness> {
  const prefix = runPrefix(what);
  const network = `${prefix}functions`;
  const images = await ensureSwarmImages(docker);
  const provider = new SwarmProvider({ docker, network, prefix, ...extra });
  const close = async (): Promise<void> => {
    await provider.close();
    await cleanupPrefix(docker, prefix, network);
  };
  try {
    await provider.start();
  } catch (err) {
    await close();
    throw err;
  }
  return { docker, prefix, network, images, provider, close };
}
