/**
 * The base image every function image is built `FROM`. It is a setting (`FAAS_BASE_IMAGE`); the
 * default is a local tag made from this machine's own Node runtime, so a machine that reaches no
 * registry still builds everything. When the base is missing and cannot be pulled, it is made
 * here: the host's `node`, `sh`, `cat` and `wc` with their shared libraries, imported as an image
 * (see host-rootfs.ts). Tests and the CLI share this one implementation.
 *
 * @module
 */
import type Docker from 'dockerode';
import { followProgress, imageExists } from './docker-engine.ts';
import { planHostRootfs, packRootfs } from './host-rootfs.ts';
import { parseImageName } from './image-name.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The repository of the bases made here; names under it are never pulled. */
export const HOST_BASE_REPOSITORY = 'faas/node-base';

/** The default base: changes with the host's Node version. */
export const DEFAULT_BASE_IMAGE = `${HOST_BASE_REPOSITORY}:${process.versions.node}`;

/**
 * Host binaries in a made base: the watchdog runs on `node`; the bash template forks `sh`; the
 * sample functions fork `cat` and `wc`.
 */
export const HOST_BASE_BINARIES: readonly string[] = [
  process.execPath,
  '/bin/sh',
  '/bin/cat',
  '/bin/wc',
];

/** Label on a made base; an image with another value under HOST_BASE_REPOSITORY is remade. */
export const HOST_BASE_LABEL = 'com.faas.base.rootfs';
export const HOST_BASE_CONTENT = `node ${process.versions.node}, sh, cat, wc; v2`;

/** The base image setting: FAAS_BASE_IMAGE, else DEFAULT_BASE_IMAGE. */
export function baseImageSetting(env: Env): string {
  return env.FAAS_BASE_IMAGE?.trim() || DEFAULT_BASE_IMAGE;
}

const isHostBase = (image: string): boolean =>
  parseImageName(image).repository === HOST_BASE_REPOSITORY;

/** Whether the engine has `image`, and for a made base whether it has the current content. */
async function baseState(docker: Docker, image: string): Promise<'ok' | 'missing' | 'outdated'> {
  if (!(await imageExists(docker, image))) return 'missing';
  if (!isHostBase(image)) return 'ok';
  const info = await docker.getImage(image).inspect();
  return info.Config?.Labels?.[HOST_BASE_LABEL] === HOST_BASE_CONTENT ? 'ok' : 'outdated';
}

async function tryPull(docker: Docker, image: string): Promise<boolean> {
  try {
    const { repository, tag } = parseImageName(image);
    await followProgress(docker, await docker.pull(`${repository}:${tag}`));
    return true;
  } catch {
    return false;
  }
}

/**
 * Imports a base image named `image` from this host's Node runtime and HOST_BASE_BINARIES;
 * `before` hears the root filesystem's size in bytes before the import starts.
 */
export async function createHostBaseImage(
  docker: Docker,
  image: string,
  before: (bytes: number) => void = () => {},
): Promise<void> {
  const plan = await planHostRootfs(HOST_BASE_BINARIES);
  before(plan.reduce((sum, e) => sum + (e.type === 'file' ? e.size : 0), 0));
  const { repository, tag } = parseImageName(image);
  const progress = await docker.importImage(packRootfs(plan), {
    repo: repository,
    tag,
    changes: [
      'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      'WORKDIR /tmp',
      `LABEL ${HOST_BASE_LABEL}="${HOST_BASE_CONTENT}"`,
      'CMD ["node"]',
    ],
  });
  await followProgress(docker, progress);
  if (!(await imageExists(docker, image))) {
    throw new Error(`importing ${image} finished but the engine does not list it`);
  }
}

/**
 * Makes sure the engine has the base `image`: present (and current, for a made base) → used;
 * else pulled, unless it is a made base; else created from this host, saying so with `say`.
 * Returns the image name.
 */
export async function ensureBaseImage(
  docker: Docker,
  image: string,
  say: (line: string) => void = () => {},
): Promise<string> {
  const state = await baseState(docker, image);
  if (state === 'ok') return image;
  const made = isHostBase(image);
  if (!made && (await tryPull(docker, image))) return image;
  const why =
    state === 'outdated'
      ? `was made with other binaries (not ${HOST_BASE_CONTENT})`
      : made
        ? 'not found'
        : 'not found and no registry reachable';
  await createHostBaseImage(docker, image, (bytes) =>
    say(
      `base image ${image} ${why}: creating it from this machine's Node v${process.versions.node} (${Math.round(bytes / 1e6)} MB)`,
    ),
  );
  return image;
}
