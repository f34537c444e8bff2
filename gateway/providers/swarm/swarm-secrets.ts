/**
 * Secrets as Swarm secrets labelled `com.openfaas.owner=openfaas`. Swarm secrets are immutable,
 * so a logical secret is a series of versions: `<name>`, then `<name>.v2`, `.v3`… (a dot cannot
 * occur in a logical name, so versions never clash with other secrets), each carrying its
 * logical name and version in labels. An update creates the next version, has every function
 * that uses the secret rolled onto it, then removes the versions nothing uses any more. Values
 * never leave the engine.
 *
 * @module
 */
import type Docker from 'dockerode';
import { FaasError } from '../../contract/errors.ts';
import { DEFAULT_NAMESPACE } from '../../contract/types.ts';
import type { Logger } from '../../log.ts';
import type { SecretStore } from '../provider.ts';
import { engine, statusOf } from './docker-errors.ts';
import { OWNER, OWNER_LABEL, SECRET_NAME_LABEL, SECRET_VERSION_LABEL } from './labels.ts';

/** A Swarm secret as a deployment references it. */
export interface SecretRef {
  readonly id: string;
  readonly name: string;
}

interface Version extends SecretRef {
  readonly version: number;
}

/** What the store needs from the functions that mount secrets (the provider). */
export interface SecretUsers {
  /** Names of the functions that mount `name`. */
  usersOf(name: string): Promise<string[]>;
  /** Rolls every function that mounts `name` onto `ref`. */
  rollOnto(name: string, ref: SecretRef): Promise<void>;
}

export interface SwarmSecretsDeps {
  readonly docker: Docker;
  /** Prefix of every Swarm secret name made here. */
  readonly prefix: string;
  readonly users: SecretUsers;
  readonly logger: Logger;
  /** Runs mutations one at a time (the provider's queue). */
  readonly serial: <T>(op: () => Promise<T>) => Promise<T>;
}

const notFound = (name: string): FaasError =>
  new FaasError('SECRET_NOT_FOUND', `secret not found: ${name}`);

/** A Swarm namespace check: the provider has exactly one. */
export function assertNamespace(namespace: string): void {
  if (namespace !== DEFAULT_NAMESPACE) {
    throw new FaasError(
      'INVALID_REQUEST',
      `namespace ${namespace}: the Swarm provider has one namespace, ${DEFAULT_NAMESPACE}`,
    );
  }
}

export class SwarmSecrets implements SecretStore {
  readonly #d: SwarmSecretsDeps;

  constructor(deps: SwarmSecretsDeps) {
    this.#d = deps;
  }

  async list(namespace: string): Promise<{ name: string; namespace: string }[]> {
    if (namespace !== DEFAULT_NAMESPACE) return [];
    const names = new Set((await this.#all()).map((v) => v.logical));
    return [...names].sort().map((name) => ({ name, namespace }));
  }

  create(s: { name: string; namespace: string; value: Buffer }): Promise<void> {
    return this.#d.serial(async () => {
      assertNamespace(s.namespace);
      if ((await this.#versions(s.name)).length > 0) {
        throw new FaasError('SECRET_EXISTS', `secret ${s.name} already exists`);
      }
      await this.#make(s.name, 1, s.value);
    });
  }

  update(s: { name: string; namespace: string; value: Buffer }): Promise<void> {
    return this.#d.serial(async () => {
      if (s.namespace !== DEFAULT_NAMESPACE) throw notFound(s.name);
      const old = await this.#versions(s.name);
      const last = old.at(-1);
      if (!last) throw notFound(s.name);
      const ref = await this.#make(s.name, last.version + 1, s.value);
      await this.#d.users.rollOnto(s.name, ref);
      // the previous version stays: a failed rolling update rolls back onto a spec that mounts it
      for (const v of old.slice(0, -1)) await this.#removeQuietly(v);
    });
  }

  remove(name: string, namespace: string): Promise<void> {
    return this.#d.serial(async () => {
      if (namespace !== DEFAULT_NAMESPACE) throw notFound(name);
      const versions = await this.#versions(name);
      if (versions.length === 0) throw notFound(name);
      const users = await this.#d.users.usersOf(name);
      if (users.length > 0) {
        throw new FaasError(
          'SECRET_IN_USE',
          `secret ${name} is used by function(s) ${users.join(', ')}: remove them or their use first`,
        );
      }
      for (const v of versions) {
        await engine(this.#d.docker, `remove secret ${name}`, () =>
          this.#d.docker.getSecret(v.id).remove(),
        ).catch((err: unknown) => {
          if (statusOf((err as FaasError).cause) !== 404) throw err;
        });
      }
    });
  }

  /** The current version of each name; UNKNOWN_SECRET naming the first one missing. */
  async current(names: readonly string[]): Promise<Map<string, SecretRef>> {
    const all = names.length === 0 ? [] : await this.#all();
    const refs = new Map<string, SecretRef>();
    for (const name of names) {
      const last = all.filter((v) => v.logical === name).at(-1);
      if (!last) throw new FaasError('UNKNOWN_SECRET', `secret not found: ${name}`);
      refs.set(name, { id: last.id, name: last.name });
    }
    return refs;
  }

  /** Every version of every secret made with this prefix, oldest first per name. */
  async #all(): Promise<(Version & { logical: string })[]> {
    const { docker, prefix } = this.#d;
    const secrets = await engine(docker, 'list secrets', () =>
      docker.listSecrets({ filters: { label: [`${OWNER_LABEL}=${OWNER}`] } }),
    );
    return secrets
      .flatMap((s) => {
        const name = s.Spec?.Name ?? '';
        const labels = s.Spec?.Labels ?? {};
        if (!name.startsWith(prefix)) return [];
        const logical = labels[SECRET_NAME_LABEL] ?? name.slice(prefix.length);
        const version = Number(labels[SECRET_VERSION_LABEL] ?? '1') || 1;
        return [{ id: s.ID, name, logical, version }];
      })
      .sort((a, b) => a.logical.localeCompare(b.logical) || a.version - b.version);
  }

  async #versions(name: string): Promise<Version[]> {
    return (await this.#all()).filter((v) => v.logical === name);
  }

  async #make(name: string, version: number, value: Buffer): Promise<SecretRef> {
    const { docker, prefix } = this.#d;
    const swarmName = `${prefix}${name}${version === 1 ? '' : `.v${version}`}`;
    try {
      const made = (await docker.createSecret({
        Name: swarmName,
        Labels: {
          [OWNER_LABEL]: OWNER,
          [SECRET_NAME_LABEL]: name,
          [SECRET_VERSION_LABEL]: String(version),
        },
        Data: value.toString('base64'),
      })) as { id?: string; ID?: string };
      return { id: made.id ?? made.ID ?? '', name: swarmName };
    } catch (err) {
      if (statusOf(err) === 409) {
        throw new FaasError(
          'SECRET_EXISTS',
          `a Swarm secret named ${swarmName} already exists and is not managed here`,
        );
      }
      return engine(docker, `create secret ${name}`, () => Promise.reject(err));
    }
  }

  /** Old versions go once no service mounts them; one still in use is left and logged. */
  async #removeQuietly(v: Version): Promise<void> {
    try {
      await this.#d.docker.getSecret(v.id).remove();
    } catch (err) {
      if (statusOf(err) !== 404) {
        this.#d.logger.info(`swarm provider: secret version ${v.name} kept: ${String(err)}`);
      }
    }
  }
}
