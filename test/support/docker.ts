/**
 * Helpers for tests that need a real Docker engine. `bash scripts/services.sh` installs and
 * starts one (dockerd with a one-node swarm); CI runs it before the tests.
 *
 * @example
 * test('runs a container', async (t) => {
 *   const docker = await requireDocker(t);
 *   if (!docker) return;
 *   await ensureNodeBaseImage(docker);
 * });
 *
 * @module
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import Docker from 'dockerode';
import { hostRootfsTar } from '../../cli/images/host-rootfs.ts';

/** What to do when no engine answers. */
export const START_DOCKERD = 'start dockerd: bash scripts/services.sh';

/** A local image with this host's Node runtime; the tag changes when the host's Node does. */
export const NODE_BASE_IMAGE = `faas/node-base:${process.versions.node}`;

/** Host binaries copied into the Node base image: sample functions fork `cat`. */
export const NODE_BASE_BINARIES: readonly string[] = [process.execPath, '/bin/cat'];

const PING_TIMEOUT_MS = 3000;

export type DockerAvailability = { ok: true } | { ok: false; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

/** The engine's address: DOCKER_HOST, or the default unix socket. */
export function dockerEndpoint(env: Env = process.env): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** A client for the engine at dockerEndpoint(env). */
export function dockerClient(env: Env = process.env): Docker {
  const endpoint = dockerEndpoint(env);
  if (endpoint.startsWith('unix://')) return new Docker({ socketPath: endpoint.slice(7) });
  return new Docker(); // docker-modem reads a tcp:// or ssh:// DOCKER_HOST itself
}

/** Pings the engine; when it does not answer in time, says which endpoint and why. */
export async function dockerAvailable(
  docker: Docker = dockerClient(),
  env: Env = process.env,
  timeoutMs = PING_TIMEOUT_MS,
): Promise<DockerAvailability> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([docker.ping(), timeout]);
    return { ok: true };
  } catch (error) {
    const reason = `Docker engine at ${dockerEndpoint(env)} is unavailable: ${(error as Error).message}`;
    return { ok: false, reason };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Returns a client when the engine answers. Otherwise the test fails in CI (CI=true), since CI
 * must have started dockerd, and is skipped elsewhere; both print the reason and the fix.
 */
export async function requireDocker(
  t: TestContext,
  env: Env = process.env,
): Promise<Docker | undefined> {
  const docker = dockerClient(env);
  const availability = await dockerAvailable(docker, env);
  if (availability.ok) return docker;
  const message = `${availability.reason}; ${START_DOCKERD}`;
  if (env.CI === 'true') assert.fail(message);
  t.skip(message);
  return undefined;
}

/** Splits `name:tag` (the tag after the last colon that follows the last slash). */
export function splitImageTag(image: string): { repo: string; tag: string } {
  const colon = image.lastIndexOf(':');
  if (colon <= image.lastIndexOf('/')) return { repo: image, tag: 'latest' };
  return { repo: image.slice(0, colon), tag: image.slice(colon + 1) };
}

async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/**
 * Creates, only if missing, a local image with the host's Node runtime and `cat` (plus their
 * shared libraries, /tmp and /etc/passwd), imported from a rootfs tarball: no registry needed.
 * Returns the image name.
 */
export async function ensureNodeBaseImage(
  docker: Docker,
  image: string = NODE_BASE_IMAGE,
): Promise<string> {
  if (await imageExists(docker, image)) return image;
  const rootfs = await hostRootfsTar(NODE_BASE_BINARIES);
  const progress = await docker.importImage(rootfs, {
    ...splitImageTag(image),
    changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'WORKDIR /tmp', 'CMD ["node"]'],
  });
  await followProgress(docker, progress);
  if (!(await imageExists(docker, image))) {
    throw new Error(`importing ${image} finished but the engine does not list it`);
  }
  return image;
}

/** Waits for a progress stream of the Engine API to end; rejects on an `error` event. */
function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, events: unknown[]) => {
      const failed = events?.find((e): e is { error: string } => hasError(e));
      if (error) reject(error);
      else if (failed) reject(new Error(`Docker engine: ${failed.error}`));
      else resolve();
    });
  });
}

function hasError(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'error' in event;
}

export type ContainerRun = { exitCode: number; stdout: string; stderr: string };

/**
 * Runs a command in a new container without network, waits for it to exit and returns its
 * output. The container is removed in `t.after`.
 */
export async function runContainer(
  t: TestContext,
  docker: Docker,
  image: string,
  cmd: string[],
): Promise<ContainerRun> {
  const container = await docker.createContainer({ Image: image, Cmd: cmd, NetworkDisabled: true });
  t.after(() => container.remove({ force: true }));
  await container.start();
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  const logs = await container.logs({ stdout: true, stderr: true, follow: false });
  return { exitCode: StatusCode, ...demuxLogs(logs) };
}

/** Splits a non-TTY container log (8-byte frame headers: stream, 0, 0, 0, size) by stream. */
export function demuxLogs(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    const frame = buffer.subarray(offset + 8, offset + 8 + size);
    (buffer[offset] === 2 ? err : out).push(frame);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
