/**
 * The Swarm objects the platform needs besides its service: the functions network (an
 * attachable overlay labelled `openfaas=true`, which the gateway and every function join) and
 * the admin credentials as two Swarm secrets. Both are created only when missing. A Swarm
 * secret cannot be read back, so a generated password is printed once and kept owner-only in a
 * file on this machine.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type Docker from 'dockerode';
import { CliError } from '../errors.ts';
import { PLATFORM_LABEL, passwordFile, secretNames } from './settings.ts';
import type { SwarmSettings } from './settings.ts';

/** The parts of a listed network and secret read here. */
interface NetworkSummary {
  Id: string;
  Name: string;
  Driver?: string;
  Attachable?: boolean;
  Scope?: string;
}
export interface SecretSummary {
  ID: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

/** The network named exactly `name` (the API's name filter matches substrings). */
export async function findNetwork(
  docker: Docker,
  name: string,
): Promise<NetworkSummary | undefined> {
  const found = (await docker.listNetworks({ filters: { name: [name] } })) as NetworkSummary[];
  return found.find((n) => n.Name === name);
}

/** Creates the attachable overlay network unless it exists; refuses one of another kind. */
export async function ensureNetwork(
  docker: Docker,
  s: Pick<SwarmSettings, 'network' | 'service'>,
  say: (line: string) => void,
): Promise<string> {
  const existing = await findNetwork(docker, s.network);
  if (existing) {
    if (existing.Driver !== 'overlay' || existing.Attachable !== true) {
      throw new CliError(
        `network ${s.network} exists but is not an attachable overlay network (driver ${existing.Driver ?? '?'}): remove it or pick another with --network`,
      );
    }
    say(`network ${s.network} exists`);
    return existing.Id;
  }
  const created = await docker.createNetwork({
    Name: s.network,
    Driver: 'overlay',
    Attachable: true,
    CheckDuplicate: true,
    Labels: { openfaas: 'true', [PLATFORM_LABEL]: s.service },
  });
  say(`created network ${s.network} (attachable overlay)`);
  return created.id;
}

/** The secret named exactly `name`, if any. */
export async function findSecret(docker: Docker, name: string): Promise<SecretSummary | undefined> {
  const found = (await docker.listSecrets({ filters: { name: [name] } })) as SecretSummary[];
  return found.find((x) => x.Spec?.Name === name);
}

async function createSecret(
  docker: Docker,
  name: string,
  value: string,
  service: string,
): Promise<string> {
  const created = (await docker.createSecret({
    Name: name,
    Data: Buffer.from(value).toString('base64'),
    Labels: { [PLATFORM_LABEL]: service },
  })) as { id?: string; ID?: string };
  const id = created.id ?? created.ID ?? (await findSecret(docker, name))?.ID;
  if (!id) throw new CliError(`created secret ${name} but the engine does not list it`);
  return id;
}

export interface AuthSecrets {
  readonly user: { id: string; name: string };
  readonly password: { id: string; name: string };
}

/**
 * Makes sure the two credential secrets exist. The password secret is created from `password`
 * when given, else from a random one, written owner-only to the state folder and shown once.
 */
export async function ensureAuthSecrets(
  docker: Docker,
  s: SwarmSettings,
  password: string | undefined,
  say: (line: string) => void,
): Promise<AuthSecrets> {
  const names = secretNames(s);
  const file = passwordFile(s);
  const user = await findSecret(docker, names.user);
  const userId = user?.ID ?? (await createSecret(docker, names.user, s.user, s.service));
  say(user ? `secret ${names.user} exists` : `created secret ${names.user} (user ${s.user})`);

  const existing = await findSecret(docker, names.password);
  if (existing) {
    if (password !== undefined) {
      throw new CliError(
        `secret ${names.password} already exists and Swarm secrets cannot change: remove it first (faas swarm down --all) to set another password`,
      );
    }
    const kept = await readFile(file, 'utf8').then(
      () => `the password is in ${file}`,
      () => 'its value cannot be read back from Swarm',
    );
    say(`secret ${names.password} exists (${kept})`);
    return {
      user: { id: userId, name: names.user },
      password: { id: existing.ID, name: names.password },
    };
  }
  const value = password ?? randomBytes(24).toString('base64url');
  if (value.trim() === '') throw new CliError('the admin password is empty');
  const id = await createSecret(docker, names.password, value, s.service);
  if (password === undefined) {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    await chmod(file, 0o600); // an older file keeps its mode through writeFile
    say(`created secret ${names.password} with a generated password (shown once): ${value}`);
    say(`the password is stored in ${file} (owner-only); Swarm cannot show it again`);
  } else {
    say(`created secret ${names.password} from the given password`);
  }
  return { user: { id: userId, name: names.user }, password: { id, name: names.password } };
}
