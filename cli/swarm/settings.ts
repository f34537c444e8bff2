/**
 * What `faas swarm up` and `faas swarm down` act on, with every default in one frozen object:
 * the gateway service's name, the functions network, the published port, the Swarm secrets
 * holding the admin credentials, and where the generated password is kept on this machine.
 * Flags override each (tests use unique names so that runs never meet).
 *
 * @module
 */
import { join } from 'node:path';
import { CliError } from '../errors.ts';

export const SWARM_DEFAULTS = Object.freeze({
  service: 'faas-gateway',
  network: 'func_functions',
  port: 8080,
  /** Prefix of the two secrets' names; OpenFaaS names them without one. */
  secretPrefix: '',
  user: 'admin',
  /** Folder (under the working folder) for the generated password. */
  stateDir: join('.faas', 'swarm'),
});

/** Label on everything `faas swarm up` creates; its value is the gateway service's name. */
export const PLATFORM_LABEL = 'com.faas.platform';
/** The label marking a function service (set by the Swarm provider). */
export const FUNCTION_LABEL = 'com.openfaas.function';
/** Where Swarm mounts a service's secrets, and the files the gateway reads there. */
export const SECRET_MOUNT_PATH = '/run/secrets';
export const USER_SECRET = 'basic-auth-user';
export const PASSWORD_SECRET = 'basic-auth-password';

export interface SwarmSettings {
  readonly service: string;
  readonly network: string;
  readonly port: number;
  readonly secretPrefix: string;
  readonly user: string;
  /** Absolute folder holding basic-auth-password. */
  readonly stateDir: string;
}

export interface SwarmFlags {
  name?: string;
  network?: string;
  port?: string;
  secretPrefix?: string;
  user?: string;
}

/** Docker's rule for service, network and secret names (letters, digits, `-`, `_`, `.`). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

function checkName(flag: string, value: string): string {
  if (!NAME.test(value)) {
    throw new CliError(
      `--${flag} ${JSON.stringify(value)} is not a valid name (letters, digits, -, _, .; at most 63)`,
    );
  }
  return value;
}

/** The settings from the flags (pure); a bad value is a CliError naming the flag. */
export function swarmSettings(flags: SwarmFlags, cwd: string): SwarmSettings {
  const port = flags.port === undefined ? SWARM_DEFAULTS.port : Number(flags.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CliError(`--port ${JSON.stringify(flags.port)} is not a port (1-65535)`);
  }
  const secretPrefix = flags.secretPrefix ?? SWARM_DEFAULTS.secretPrefix;
  if (secretPrefix !== '') checkName('secret-prefix', `${secretPrefix}x`);
  const user = flags.user ?? SWARM_DEFAULTS.user;
  if (!/^[^\s:]+$/.test(user)) throw new CliError(`--user ${JSON.stringify(user)} is not valid`);
  return {
    service: checkName('name', flags.name ?? SWARM_DEFAULTS.service),
    network: checkName('network', flags.network ?? SWARM_DEFAULTS.network),
    port,
    secretPrefix,
    user,
    stateDir: join(cwd, SWARM_DEFAULTS.stateDir),
  };
}

/** The Swarm secret names holding the admin user and password. */
export function secretNames(s: Pick<SwarmSettings, 'secretPrefix'>): {
  user: string;
  password: string;
} {
  return {
    user: `${s.secretPrefix}${USER_SECRET}`,
    password: `${s.secretPrefix}${PASSWORD_SECRET}`,
  };
}

/** Where the generated password is kept: one file per secret name. */
export function passwordFile(s: Pick<SwarmSettings, 'secretPrefix' | 'stateDir'>): string {
  return join(s.stateDir, secretNames(s).password);
}
