/**
 * The gateway's configuration: every default here, read from an injected env by a pure
 * function that names every bad key and value (docs/config.md lists them).
 */
import { join, resolve } from 'node:path';
import { EnvReader } from '../watchdog/env-reader.ts';
import type { Env } from '../watchdog/env-reader.ts';
import { formatDuration } from '../watchdog/duration.ts';

export interface GatewayConfig {
  readonly port: number;
  readonly bindAddress: string;
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
  /** How long the gateway waits for a function; a per-function timeout may shorten it. */
  readonly upstreamTimeoutMs: number;
  readonly maxRequestBytes: number;
  readonly basicAuth: boolean;
  /** Folder holding basic-auth-user and basic-auth-password files. */
  readonly secretMountPath: string;
  /** Development override of the files above. */
  readonly adminUser: string | undefined;
  readonly adminPassword: string | undefined;
  readonly stateDir: string;
  readonly imageStore: string;
  readonly namespace: string;
  readonly maxReplicas: number;
  /** Where functions run: `local` processes (the embedded default) or a Docker `swarm`. */
  readonly provider: 'local' | 'swarm';
  /** Swarm: the attachable overlay network functions and the gateway share. */
  readonly functionsNetwork: string;
  readonly dockerSocket: string;
  /** Swarm: refuse a deployment whose image the manager's engine lacks (off when nodes pull). */
  readonly checkImages: boolean;
  /** Which mechanisms change replicas: the Alertmanager webhook, the built-in autoscaler, or both. */
  readonly scaling: ScalingMode;
  /** How often the built-in autoscaler looks at each function. */
  readonly autoscaleIntervalMs: number;
  /** Replicas go down only after the load has stayed lower for this long (and never within it of an alert's change). */
  readonly scaleDownWindowMs: number;
}

export type ScalingMode = 'alert' | 'builtin' | 'both';
const SCALING_MODES: readonly ScalingMode[] = ['alert', 'builtin', 'both'];

export const DEFAULTS = Object.freeze({
  port: 8080,
  bindAddress: '127.0.0.1',
  readTimeoutMs: 60_000,
  writeTimeoutMs: 65_000,
  upstreamTimeoutMs: 60_000,
  maxRequestBytes: 10 * 1024 * 1024,
  basicAuth: true,
  stateDir: '.faas',
  namespace: 'openfaas-fn',
  maxReplicas: 20,
  provider: 'local' as const,
  functionsNetwork: 'func_functions',
  dockerSocket: '/var/run/docker.sock',
  checkImages: true,
  scaling: 'both' as ScalingMode,
  autoscaleIntervalMs: 2000,
  scaleDownWindowMs: 30_000,
});

export class GatewayConfigError extends Error {
  readonly code = 'GATEWAY_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`invalid gateway configuration:\n  ${problems.join('\n  ')}`);
  }
}

export function readConfig(env: Env, cwd: string): GatewayConfig {
  const r = new EnvReader(env);
  const stateDir = resolve(cwd, r.raw('state_dir') ?? DEFAULTS.stateDir);
  const config: GatewayConfig = {
    port: r.int('port', DEFAULTS.port, 0, 65535),
    bindAddress: r.raw('bind_address') ?? DEFAULTS.bindAddress,
    readTimeoutMs: r.duration('read_timeout', DEFAULTS.readTimeoutMs, 1),
    writeTimeoutMs: r.duration('write_timeout', DEFAULTS.writeTimeoutMs, 1),
    upstreamTimeoutMs: r.duration('upstream_timeout', DEFAULTS.upstreamTimeoutMs, 1),
    maxRequestBytes: r.size('max_request_bytes', DEFAULTS.maxRequestBytes),
    basicAuth: r.bool('basic_auth', DEFAULTS.basicAuth),
    secretMountPath: resolve(cwd, r.raw('secret_mount_path') ?? join(stateDir, 'gateway-secrets')),
    adminUser: r.raw('admin_user'),
    adminPassword: r.raw('admin_password'),
    stateDir,
    imageStore: resolve(cwd, r.raw('image_store') ?? join(stateDir, 'images')),
    namespace: DEFAULTS.namespace,
    maxReplicas: r.int('max_replicas', DEFAULTS.maxReplicas, 1, 1000),
    provider: readProvider(r),
    functionsNetwork: r.raw('functions_network') ?? DEFAULTS.functionsNetwork,
    dockerSocket: r.raw('docker_socket') ?? DEFAULTS.dockerSocket,
    checkImages: r.bool('check_images', DEFAULTS.checkImages),
    scaling: readScaling(r),
    autoscaleIntervalMs: r.duration('autoscale_interval', DEFAULTS.autoscaleIntervalMs, 100),
    scaleDownWindowMs: r.duration('scale_down_window', DEFAULTS.scaleDownWindowMs, 0),
  };
  if (config.upstreamTimeoutMs >= config.writeTimeoutMs) {
    r.problems.push(
      `upstream_timeout ${formatDuration(config.upstreamTimeoutMs)} must be below write_timeout ` +
        `${formatDuration(config.writeTimeoutMs)}, or a slow function's answer is cut before the gateway can report it`,
    );
  }
  if (r.problems.length > 0) throw new GatewayConfigError(r.problems);
  return config;
}

function readProvider(r: EnvReader): 'local' | 'swarm' {
  const v = r.raw('provider')?.trim() ?? DEFAULTS.provider;
  if (v === 'local' || v === 'swarm') return v;
  r.problems.push(`provider=${JSON.stringify(v)} is not one of local, swarm`);
  return DEFAULTS.provider;
}

function readScaling(r: EnvReader): ScalingMode {
  const v = r.raw('scaling')?.trim() ?? DEFAULTS.scaling;
  if ((SCALING_MODES as readonly string[]).includes(v)) return v as ScalingMode;
  r.problems.push(`scaling=${JSON.stringify(v)} is not one of ${SCALING_MODES.join(', ')}`);
  return DEFAULTS.scaling;
}
