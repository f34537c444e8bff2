/**
 * Functions as Docker Swarm services (dockerode): one replicated service per function on an
 * attachable overlay network, endpoint mode dnsrr, rolling updates, Swarm secrets with
 * versions, service logs. The mapping is in service-spec.ts; docs/swarm.md describes the
 * behaviour and what cannot work from outside the overlay network.
 *
 * @example
 * const provider = new SwarmProvider({ docker, network: 'func_functions', logger });
 * await provider.start();
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { FaasError } from '../../contract/errors.ts';
import type { LogLine, LogRequest, ValidDeployment } from '../../contract/types.ts';
import { DEFAULT_NAMESPACE } from '../../contract/types.ts';
import { silentLogger } from '../../log.ts';
import type { Logger } from '../../log.ts';
import type { Capabilities, FunctionState, Provider, ProviderInfo } from '../provider.ts';
import { engine, engineAddress, engineError, engineMessage, statusOf } from './docker-errors.ts';
import { FUNCTION_LABEL, SECRETS_DIR } from './labels.ts';
import { ensureNetwork } from './network.ts';
import { ReplicaResolver } from './resolver.ts';
import type { ResolverOptions } from './resolver.ts';
import { initialReplicas } from '../../scaling/labels.ts';
import { functionState, serviceSpec, withSecretRef } from './service-spec.ts';
import { serviceLogs } from './service-logs.ts';
import { SwarmSecrets, assertNamespace } from './swarm-secrets.ts';
import type { SecretRef } from './swarm-secrets.ts';

/** The functions network when none is configured (faas-swarm's compose name). */
export const DEFAULT_NETWORK = 'func_functions';

export interface SwarmProviderDeps {
  readonly docker: Docker;
  /** The attachable overlay network functions join; created by start() when missing. */
  readonly network?: string;
  readonly logger?: Logger;
  /** Put before every service and secret name made here; default none (tests use one per run). */
  readonly prefix?: string;
  readonly version?: string;
  /**
   * Refuse a deployment whose image the manager's engine does not have (IMAGE_NOT_FOUND);
   * default true. Turn off on a swarm whose nodes pull from a registry.
   */
  readonly checkImages?: boolean;
  readonly resolver?: ResolverOptions;
  /** How long healthy() waits for the engine's ping. */
  readonly pingTimeoutMs?: number;
}

type Service = Docker.Service;
type TaskSummary = { ServiceID?: string; Status?: { State?: string } };

/** How long resolve() trusts a service's wanted replicas; mutations made here forget them. */
const WANTED_CACHE_MS = 1000;

const notFound = (name: string, namespace: string): FaasError =>
  new FaasError('FUNCTION_NOT_FOUND', `function ${name} not found in ${namespace}`);

const containerSpec = (s: Docker.ServiceSpec): Docker.ContainerSpec =>
  (s.TaskTemplate as Docker.ContainerTaskSpec | undefined)?.ContainerSpec ?? {};

export class SwarmProvider implements Provider {
  readonly capabilities: Capabilities = Object.freeze({
    scaling: true,
    scaleToZero: true,
    secrets: true,
    secretUpdate: true,
    logs: true,
  });
  readonly secrets: SwarmSecrets;
  readonly network: string;
  readonly #docker: Docker;
  readonly #logger: Logger;
  readonly #prefix: string;
  readonly #deps: SwarmProviderDeps;
  readonly #resolver: ReplicaResolver;
  /** resolve()'s copy of each service's wanted replicas, so a call needs no engine round trip. */
  readonly #wanted = new Map<string, { replicas: number; until: number }>();
  /** Bumped by every change made here, so an inspect begun before one is not kept. */
  #changes = 0;
  /** Set by start(): only services on this network are this gateway's functions. */
  #networkId: string | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: SwarmProviderDeps) {
    this.#deps = deps;
    this.#docker = deps.docker;
    this.#logger = deps.logger ?? silentLogger;
    this.#prefix = deps.prefix ?? '';
    this.network = deps.network ?? DEFAULT_NETWORK;
    this.#resolver = new ReplicaResolver(deps.resolver);
    this.secrets = new SwarmSecrets({
      docker: deps.docker,
      prefix: this.#prefix,
      logger: this.#logger,
      serial: (op) => this.#serial(op),
      users: {
        usersOf: (name) => this.#usersOf(name),
        rollOnto: (name, ref) => this.#rollOnto(name, ref),
      },
    });
  }

  info(): ProviderInfo {
    return { provider: 'faas-swarm', orchestration: 'swarm', version: this.#deps.version ?? 'dev' };
  }

  /** Checks the engine is a swarm manager and makes the functions network when missing. */
  async start(): Promise<void> {
    const docker = this.#docker;
    const info = (await engine(docker, 'docker info', () => docker.info())) as {
      Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean };
    };
    if (info.Swarm?.LocalNodeState !== 'active' || info.Swarm.ControlAvailable !== true) {
      throw new FaasError(
        'PROVIDER_FAILURE',
        `the Docker engine at ${engineAddress(docker)} is not a swarm manager (swarm state ` +
          `${info.Swarm?.LocalNodeState ?? 'unknown'}): run docker swarm init`,
      );
    }
    this.#networkId = await ensureNetwork(this.#docker, this.network, this.#logger);
    const count = (await this.list(DEFAULT_NAMESPACE)).length;
    this.#logger.info(`swarm provider: ${count} function(s) on network ${this.network}`);
  }

  /** True when the engine answers a ping in time (for /healthz). */
  async healthy(): Promise<boolean> {
    const ms = this.#deps.pingTimeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    });
    try {
      await Promise.race([this.#docker.ping(), late]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  deploy(d: ValidDeployment): Promise<void> {
    return this.#serial(async () => {
      assertNamespace(d.namespace);
      if (await this.#find(d.service)) {
        throw new FaasError(
          'FUNCTION_EXISTS',
          `function ${d.service} already exists in ${d.namespace}`,
        );
      }
      await this.#checkImage(d.image);
      const spec = serviceSpec(d, {
        serviceName: this.#serviceName(d.service),
        network: this.network,
        replicas: initialReplicas(d.labels),
        uid: randomUUID(),
        secrets: await this.secrets.current(d.secrets),
      });
      try {
        await this.#docker.createService(spec);
      } catch (err) {
        if (statusOf(err) === 409) {
          throw new FaasError('FUNCTION_EXISTS', `a Swarm service ${spec.Name} already exists`);
        }
        throw await this.#wrap(`create service ${spec.Name ?? ''}`, err);
      }
      this.#forget(d.service);
    });
  }

  update(d: ValidDeployment): Promise<void> {
    return this.#serial(async () => {
      await this.#require(d.service, d.namespace);
      await this.#checkImage(d.image);
      const secrets = await this.secrets.current(d.secrets);
      await this.#updateService(d.service, (current) =>
        serviceSpec(d, {
          serviceName: this.#serviceName(d.service),
          network: this.network,
          replicas: initialReplicas(d.labels, current.Mode?.Replicated?.Replicas ?? 1),
          uid: randomUUID(),
          secrets,
          forceUpdate: ((current.TaskTemplate?.ForceUpdate as number | undefined) ?? 0) + 1,
        }),
      );
      this.#forget(d.service);
    });
  }

  remove(name: string, namespace: string): Promise<void> {
    return this.#serial(async () => {
      const service = await this.#require(name, namespace);
      await engine(
        this.#docker,
        `remove service ${service.Spec?.Name ?? name}`,
        () => this.#docker.getService(service.ID).remove(),
        { code: 'FUNCTION_NOT_FOUND', message: notFound(name, namespace).message },
      );
      this.#forget(name);
    });
  }

  async list(namespace: string): Promise<FunctionState[]> {
    if (namespace !== DEFAULT_NAMESPACE) return [];
    const docker = this.#docker;
    const [services, tasks] = await Promise.all([
      engine(docker, 'list services', () =>
        docker.listServices({ filters: { label: [FUNCTION_LABEL] } }),
      ),
      this.#runningTasks(),
    ]);
    return services
      .filter((s) => this.#ours(s))
      .map((s) => functionState(s, tasks.filter((t) => t.ServiceID === s.ID).length))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string, namespace: string): Promise<FunctionState> {
    const service = await this.#require(name, namespace);
    return functionState(service, (await this.#runningTasks(service.ID)).length);
  }

  scale(name: string, namespace: string, replicas: number): Promise<void> {
    return this.#serial(async () => {
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw new FaasError(
          'INVALID_REQUEST',
          `replicas must be a whole number ≥ 0, was ${replicas}`,
        );
      }
      if (namespace !== DEFAULT_NAMESPACE) throw notFound(name, namespace);
      await this.#updateService(name, (spec) => ({
        ...spec,
        Mode: { Replicated: { Replicas: replicas } },
      }));
      this.#forget(name);
    });
  }

  /**
   * A replica's URL by DNS (`tasks.<service>`), round-robin. Only answers from a process on the
   * functions network; elsewhere every function has NO_REPLICAS.
   */
  async resolve(name: string, namespace: string): Promise<URL> {
    const none = new FaasError('NO_REPLICAS', `No endpoints available for: ${name}.`);
    if ((await this.#wantedReplicas(name, namespace)) === 0) throw none;
    const url = await this.#resolver.resolve(this.#serviceName(name));
    if (!url) throw none;
    return url;
  }

  /** Tells resolve() that the replica at `url` failed a connection: it is skipped for a while. */
  reportFailure(url: URL): void {
    this.#resolver.reportFailure(url);
  }

  async *logs(req: LogRequest, signal: AbortSignal): AsyncIterable<LogLine> {
    const service = await this.#require(req.name, req.namespace);
    const docker = this.#docker;
    yield* serviceLogs(req, signal, (opts) =>
      engine(
        docker,
        `logs of ${req.name}`,
        async () =>
          (await docker.getService(service.ID).logs(opts)) as unknown as
            Buffer | NodeJS.ReadableStream,
      ),
    );
  }

  /** Nothing runs in this process: functions and secrets stay on the swarm. */
  async close(): Promise<void> {
    await this.#serial(async () => undefined);
  }

  async #wantedReplicas(name: string, namespace: string): Promise<number> {
    const key = this.#serviceName(name);
    const hit = this.#wanted.get(key);
    if (hit && hit.until > Date.now() && namespace === DEFAULT_NAMESPACE) return hit.replicas;
    const changes = this.#changes;
    const service = await this.#require(name, namespace);
    const replicas = service.Spec?.Mode?.Replicated?.Replicas ?? 0;
    if (changes === this.#changes) {
      this.#wanted.set(key, { replicas, until: Date.now() + WANTED_CACHE_MS });
    }
    return replicas;
  }

  /** After a change made here: resolve() asks the engine and DNS again. */
  #forget(name: string): void {
    const key = this.#serviceName(name);
    this.#changes++;
    this.#wanted.delete(key);
    this.#resolver.forget(key);
  }

  #serviceName(name: string): string {
    return `${this.#prefix}${name}`;
  }

  /**
   * A function of this gateway: labelled, prefixed, and on its functions network, so that two
   * platforms on one swarm (each with its own network) never list or scale each other's.
   */
  #ours(s: Service): boolean {
    const name = s.Spec?.Name ?? '';
    if (!name.startsWith(this.#prefix) || s.Spec?.Labels?.[FUNCTION_LABEL] === undefined) {
      return false;
    }
    const attached = (s.Spec.TaskTemplate as Docker.ContainerTaskSpec | undefined)?.Networks;
    return (attached ?? []).some((n) => n.Target === this.#networkId || n.Target === this.network);
  }

  /** The function's service, or undefined; a service without the function label is not one. */
  async #find(name: string): Promise<Service | undefined> {
    const serviceName = this.#serviceName(name);
    try {
      const s = (await this.#docker.getService(serviceName).inspect()) as Service;
      return s.Spec?.Name === serviceName && this.#ours(s) ? s : undefined;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw await this.#wrap(`inspect service ${serviceName}`, err);
    }
  }

  async #require(name: string, namespace: string): Promise<Service> {
    const s = namespace === DEFAULT_NAMESPACE ? await this.#find(name) : undefined;
    if (!s) throw notFound(name, namespace);
    return s;
  }

  async #runningTasks(serviceId?: string): Promise<TaskSummary[]> {
    const filters: Record<string, string[]> = { 'desired-state': ['running'] };
    if (serviceId) filters.service = [serviceId];
    const tasks = (await engine(this.#docker, 'list tasks', () =>
      this.#docker.listTasks({ filters }),
    )) as TaskSummary[];
    // a task with a health check only reaches "running" once it is healthy
    return tasks.filter((t) => t.Status?.State === 'running');
  }

  async #checkImage(image: string): Promise<void> {
    if (this.#deps.checkImages === false) return;
    try {
      await this.#docker.getImage(image).inspect();
    } catch (err) {
      if (statusOf(err) === 404 || statusOf(err) === 400) {
        throw new FaasError(
          'IMAGE_NOT_FOUND',
          `image ${image} is not on the swarm manager's engine: build it with faas build ` +
            '(or turn image checks off when the nodes pull from a registry)',
        );
      }
      throw await this.#wrap(`inspect image ${image}`, err);
    }
  }

  /** Inspect, rewrite, update with the inspected version; retried when another writer won. */
  async #updateService(
    name: string,
    rewrite: (spec: Docker.ServiceSpec) => Docker.ServiceSpec,
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const service = await this.#require(name, DEFAULT_NAMESPACE);
      const spec = rewrite(service.Spec ?? {});
      try {
        await this.#docker.getService(service.ID).update({
          _query: { version: service.Version?.Index ?? 0 },
          _body: spec,
        });
        return;
      } catch (err) {
        if (statusOf(err) === 404) throw notFound(name, DEFAULT_NAMESPACE);
        if (attempt < 3 && /out of sequence/i.test(engineMessage(err))) continue;
        throw await this.#wrap(`update service ${spec.Name ?? name}`, err);
      }
    }
  }

  /** Names of the functions mounting the logical secret `name`. */
  async #usersOf(secret: string): Promise<string[]> {
    const file = `${SECRETS_DIR}/${secret}`;
    const services = await engine(this.#docker, 'list services', () =>
      this.#docker.listServices({ filters: { label: [FUNCTION_LABEL] } }),
    );
    return services
      .filter((s) => this.#ours(s))
      .filter((s) => (containerSpec(s.Spec ?? {}).Secrets ?? []).some((r) => r.File?.Name === file))
      .map((s) => s.Spec?.Labels?.[FUNCTION_LABEL] ?? '')
      .sort();
  }

  /** Points every function mounting `secret` at `ref` (a rolling update each). */
  async #rollOnto(secret: string, ref: SecretRef): Promise<void> {
    const file = `${SECRETS_DIR}/${secret}`;
    for (const name of await this.#usersOf(secret)) {
      await this.#updateService(name, (spec) => withSecretRef(spec, file, ref, randomUUID()));
    }
  }

  async #wrap(what: string, err: unknown): Promise<FaasError> {
    return engineError(this.#docker, what, err);
  }

  /** Mutations run one at a time, so check-then-act (exists? create) cannot interleave. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
