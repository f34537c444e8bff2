/**
 * What a replica runs and with which environment: a pure function of the image, the
 * deployment and the provider's settings. Later entries win: base env, provider defaults,
 * image env, fprocess/mode/upstream_url, the deployment's envVars, then what the provider
 * must control (where the replica listens, its secrets folder). TMPDIR is per replica
 * (replica.ts).
 */
import { SECRETS_DIR_ENV } from '../../contract/reserved-env.ts';
import type { ValidDeployment } from '../../contract/types.ts';
import type { Image } from './image-store.ts';
import type { Launch } from './replica.ts';

export { SECRETS_DIR_ENV };

/** Watchdog settings the local provider changes from the watchdog's own defaults. */
export const REPLICA_DEFAULT_ENV: Readonly<Record<string, string>> = Object.freeze({
  // The provider stops routing to a replica before it sends SIGTERM, so the watchdog need not
  // keep serving for write_timeout (30s) before it drains.
  healthcheck_interval: '1s',
});

/**
 * Set after the image's env and the deployment's envVars, so neither can move a replica off
 * loopback (where only the gateway reaches it) or onto a fixed port. The gateway refuses these
 * keys in envVars too (RESERVED_ENV_VARS); this holds even for a deployment that skipped it.
 */
export function providerEnv(secretsDir: string): Record<string, string> {
  return {
    bind_address: '127.0.0.1',
    port: '0',
    metrics_port: '0',
    [SECRETS_DIR_ENV]: secretsDir,
  };
}

export interface LaunchInput {
  readonly nodePath: string;
  readonly watchdogPath: string;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly image: Image;
  readonly deployment: ValidDeployment;
  readonly secretsDir: string;
}

export function buildLaunch(i: LaunchInput): Launch {
  const { spec } = i.image;
  const fprocess = i.deployment.envProcess ? i.deployment.envProcess : spec.fprocess;
  const env: Record<string, string> = {
    ...i.baseEnv,
    ...REPLICA_DEFAULT_ENV,
    ...spec.env,
    fprocess,
    mode: spec.mode,
    ...(spec.upstream_url ? { upstream_url: spec.upstream_url } : {}),
    ...i.deployment.envVars,
    ...providerEnv(i.secretsDir),
  };
  return { command: i.nodePath, args: [i.watchdogPath], cwd: i.image.dir, env };
}
