/**
 * The Docker engine as the CLI (and the tests) reach it: its address from `DOCKER_HOST` (a
 * `unix://` socket, or whatever docker-modem reads itself), a ping bounded in time, and the
 * Engine API's progress streams followed event by event.
 *
 * @example
 * const docker = dockerClient(env);
 * const engine = await dockerAvailable(docker, env);
 * if (!engine.ok) console.log(engine.reason);
 *
 * @module
 */
import Docker from 'dockerode';

type Env = Readonly<Record<string, string | undefined>>;

/** How long a ping may take before the engine counts as unreachable. */
export const PING_TIMEOUT_MS = 2000;

export type DockerAvailability = { ok: true } | { ok: false; reason: string };

/** The engine's address: DOCKER_HOST, or the default unix socket. */
export function dockerEndpoint(env: Env): string {
  return env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/** A client for the engine at dockerEndpoint(env). */
export function dockerClient(env: Env): Docker {
  const endpoint = dockerEndpoint(env);
  if (endpoint.startsWith('unix://')) return new Docker({ socketPath: endpoint.slice(7) });
  return new Docker(); // docker-modem reads a tcp:// or ssh:// DOCKER_HOST itself
}

/** Pings the engine; when it does not answer in time, says which endpoint and why. */
export async function dockerAvailable(
  docker: Docker,
  env: Env,
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

/** One event of an Engine API progress stream (build, pull, push, import). */
export interface ProgressEvent {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: Record<string, unknown>;
}

/**
 * Follows a progress stream to its end, calling `onEvent` for each event. Resolves with all
 * events; rejects on a transport error or on the first `error` event, with its message.
 */
export function followProgress(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onEvent: (event: ProgressEvent) => void = () => {},
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: ProgressEvent[] | undefined) => {
        const failed = (events ?? []).find((e) => e.error !== undefined);
        if (error) reject(error);
        else if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else resolve(events ?? []);
      },
      onEvent,
    );
  });
}

/** True when the engine has `image` (a name or an id). */
export async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}
