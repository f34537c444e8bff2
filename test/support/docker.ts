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
import type Docker from 'dockerode';
import {
  DEFAULT_BASE_IMAGE,
  HOST_BASE_BINARIES,
  ensureBaseImage,
} from '../../cli/images/base-image.ts';
import * as engine from '../../cli/images/docker-engine.ts';
import type { DockerAvailability } from '../../cli/images/docker-engine.ts';
import { parseImageName } from '../../cli/images/image-name.ts';

export type { DockerAvailability } from '../../cli/images/docker-engine.ts';

/** What to do when no engine answers. */
export const START_DOCKERD = 'start dockerd: bash scripts/services.sh';

/** A local image with this host's Node runtime; the tag changes when the host's Node does. */
export const NODE_BASE_IMAGE = DEFAULT_BASE_IMAGE;

/** Host binaries copied into the Node base image (the CLI's list: node, sh, cat, wc). */
export const NODE_BASE_BINARIES: readonly string[] = HOST_BASE_BINARIES;

const PING_TIMEOUT_MS = 3000;

type Env = Readonly<Record<string, string | undefined>>;

/** The engine's address: DOCKER_HOST, or the default unix socket. */
export function dockerEndpoint(env: Env = process.env): string {
  return engine.dockerEndpoint(env);
}

/** A client for the engine at dockerEndpoint(env). */
export function dockerClient(env: Env = process.env): Docker {
  return engine.dockerClient(env);
}

/** Pings the engine; when it does not answer in time, says which endpoint and why. */
export function dockerAvailable(
  docker: Docker = dockerClient(),
  env: Env = process.env,
  timeoutMs = PING_TIMEOUT_MS,
): Promise<DockerAvailability> {
  return engine.dockerAvailable(docker, env, timeoutMs);
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
  const { repository, tag } = parseImageName(image);
  return { repo: repository, tag };
}

/**
 * Makes sure the engine has the Node base image, creating it from this host when missing (the
 * CLI's own ensureBaseImage: the host's node, sh, cat and wc with their libraries, /tmp and
 * /etc/passwd; no registry needed). Returns the image name.
 */
export function ensureNodeBaseImage(
  docker: Docker,
  image: string = NODE_BASE_IMAGE,
): Promise<string> {
  return ensureBaseImage(docker, image);
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
