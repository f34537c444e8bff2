/**
 * Engine API failures as FaasError: an engine that does not answer is PROVIDER_FAILURE naming
 * its socket; a 404 is whatever "not found" means to the caller; a 400 from Swarm (a spec it
 * refuses) is INVALID_REQUEST with the engine's reason.
 *
 * @module
 */
import type Docker from 'dockerode';
import { FaasError } from '../../contract/errors.ts';
import type { ErrorCode } from '../../contract/errors.ts';

/** The engine's address as a user would write it, for messages. */
export function engineAddress(docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown };
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  if (typeof modem.host === 'string') return `tcp://${modem.host}:${String(modem.port ?? '')}`;
  return 'unix:///var/run/docker.sock';
}

export const statusOf = (err: unknown): number | undefined => {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
};

/** The engine's own message (`{"message": …}`), else the error's. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: unknown } | null)?.json;
  const fromJson = (json as { message?: unknown } | null)?.message;
  if (typeof fromJson === 'string') return fromJson;
  return err instanceof Error ? err.message : String(err);
}

/** Socket errors that mean the engine is not there (stopped, restarting, wrong socket). */
const UNREACHABLE = new Set<unknown>([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * Wraps an engine error: `notFound` (a code and message) for 404s, INVALID_REQUEST for 400s,
 * PROVIDER_FAILURE otherwise. FaasErrors pass through.
 */
export function engineError(
  docker: Docker,
  what: string,
  err: unknown,
  notFound?: { code: ErrorCode; message: string },
): FaasError {
  if (err instanceof FaasError) return err;
  const status = statusOf(err);
  if (status === 404 && notFound) return new FaasError(notFound.code, notFound.message);
  if (status === 400) {
    return new FaasError('INVALID_REQUEST', `${what}: ${engineMessage(err)}`, { cause: err });
  }
  if (status === undefined && UNREACHABLE.has((err as { code?: unknown } | null)?.code)) {
    return new FaasError(
      'PROVIDER_UNAVAILABLE',
      `${what}: the Docker engine at ${engineAddress(docker)} does not answer ` +
        `(${engineMessage(err)}); start dockerd or check docker_socket`,
      { cause: err },
    );
  }
  const where = status === undefined ? `Docker engine at ${engineAddress(docker)}` : 'Docker';
  return new FaasError('PROVIDER_FAILURE', `${what}: ${where}: ${engineMessage(err)}`, {
    cause: err,
  });
}

/** Runs an engine call, turning its failure into a FaasError (see engineError). */
export async function engine<T>(
  docker: Docker,
  what: string,
  call: () => Promise<T>,
  notFound?: { code: ErrorCode; message: string },
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw engineError(docker, what, err, notFound);
  }
}
