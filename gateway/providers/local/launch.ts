/**
 * What a replica runs and with which environment: a pure function of the image, the
 * deployment and the provider's settings. Later entries win: base env, provider defaults,
 * image env, fprocess/mode/upstream_url, the deployment's envVars, then what the provider
 * must control (ports, secrets folder). TMPDIR is per replica (replica.ts).
 */
import type { ValidDeployment } from '../../contract/types.ts';
import type { Image } from './image-store.ts';
import type { Launch } from './replica.ts';

/** The env var naming the function's secrets folder (OpenFaaS uses /var/openfaas/secrets). */
export const SECRETS_DIR_ENV = 'FAAS_SECRETS_DIR';

/** Watchdog settings the local provider changes from the watchdog's own defaults. */
export const REPLICA_DEFAULT_ENV: Readonly<Record<string, string>> = Object.freeze({
  // The provider stops routing to a replica before it sends SIGTERM, so the watchdog need not
  // keep serving for write_timeout (30s) before it drains.
  healthcheck_interval: '1s',
  // Replicas are reached on loopback only; nothing else on the network should reach them.
  bind_address: '127.0.0.1',
});

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
    port: '0',
    metrics_port: '0',
    [SECRETS_DIR_ENV]: i.secretsDir,
  };
  return { command: i.nodePath, args: [i.watchdogPath], cwd: i.image.dir, env };
}
