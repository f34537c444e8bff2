/**
 * The embedded default provider: every replica is a `node dist/watchdog.js` process on
 * loopback, images come from the local image store, deployments and secrets live under
 * stateDir and come back on the next start(). See docs/local-provider.md.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FaasError } from '../../contract/errors.ts';
import type { LogLine, LogRequest, ValidDeployment } from '../../contract/types.ts';
import { silentLogger } from '../../log.ts';
import type { Logger } from '../../log.ts';
import type {
  Capabilities,
  FunctionState,
  Provider,
  ProviderInfo,
  SecretStore,
} from '../provider.ts';
import { ensurePrivateDir, pathSegment } from './files.ts';
import { prepare } from './prepare.ts';
import type { Prepared } from './prepare.ts';
import { initialReplicas } from '../../scaling/labels.ts';
import { LocalFunction } from './local-function.ts';
import { DEFAULT_LOG_CAPACITY } from './log-buffer.ts';
import { killOrphans } from './orphans.ts';
import { DEFAULT_TIMING } from './replica.ts';
import type { ReplicaTiming } from './replica.ts';
import { toFunctionState } from './function-state.ts';
import { SecretFiles } from './secret-files.ts';
import { StateFile } from './state-file.ts';
import type { StoredFunction } from './state-file.ts';

export interface LocalProviderDeps {
  /** Deployments (functions.json), secrets/ and the ephemeral run/ directory. */
  readonly stateDir: string;
  /** The local image store (image-store.ts). */
  readonly storeDir: string;
  /** The bundled watchdog, dist/watchdog.js. */
  readonly watchdogPath: string;
  /** The node binary that runs the watchdog; default: this process's. */
  readonly nodePath?: string;
  /** The environment every replica starts from (PATH, HOME, LANG…); default: empty. */
  readonly baseEnv?: Readonly<Record<string, string>>;
  readonly logger?: Logger;
  readonly now?: () => Date;
  readonly timing?: Partial<ReplicaTiming>;
  readonly rolloutTimeoutMs?: number;
  readonly logCapacity?: number;
  readonly version?: string;
}

const key = (name: string, namespace: string): string =>
  `${pathSegment('namespace', namespace)}/${pathSegment('function', name)}`;

export class LocalProvider implements Provider {
  readonly capabilities: Capabilities = Object.freeze({
    scaling: true,
    scaleToZero: true,
    secrets: true,
    secretUpdate: true,
    logs: true,
  });
  readonly secrets: SecretStore;
  readonly #deps: LocalProviderDeps;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #timing: ReplicaTiming;
  readonly #state: StateFile;
  readonly #secretFiles: SecretFiles;
  readonly #runDir: string;
  readonly #functions = new Map<string, LocalFunction>();
  readonly #removing = new Set<Promise<void>>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: LocalProviderDeps) {
    this.#deps = deps;
    this.#logger = deps.logger ?? silentLogger;
    this.#now = deps.now ?? (() => new Date());
    this.#timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.#state = new StateFile(join(deps.stateDir, 'functions.json'));
    this.#secretFiles = new SecretFiles(join(deps.stateDir, 'secrets'));
    this.#runDir = join(deps.stateDir, 'run');
    const files = this.#secretFiles;
    this.secrets = {
      list: (namespace) => files.list(namespace),
      create: (s) => this.#serial(() => files.create(s)),
      update: (s) =>
        this.#serial(async () => {
          await files.update(s);
          await this.#refreshSecret(s.namespace, s.name);
        }),
      remove: (name, namespace) =>
        this.#serial(async () => {
          await files.remove(name, namespace);
          await this.#refreshSecret(namespace, name);
        }),
    };
  }

  info(): ProviderInfo {
    return {
      provider: 'faas-local',
      orchestration: 'process',
      version: this.#deps.version ?? 'dev',
    };
  }

  /** Kills watchdogs a crashed predecessor left behind, then starts every saved function. */
  async start(): Promise<void> {
    await ensurePrivateDir(this.#deps.stateDir);
    const killed = await killOrphans(this.#runDir, this.#deps.watchdogPath);
    if (killed.length > 0)
      this.#logger.info(`local provider: killed orphan watchdogs ${killed.join(', ')}`);
    await rm(this.#runDir, { recursive: true, force: true });
    for (const record of await this.#state.load()) {
      const { service, namespace } = record.deployment;
      const fn = this.#newFunction(record);
      this.#functions.set(key(service, namespace), fn);
      try {
        this.#rollout(fn, await this.#prepare(fn, record.deployment), record.replicas);
      } catch (err) {
        this.#logger.error(`local provider: cannot start function ${service}.${namespace}`, err);
      }
    }
    this.#logger.info(`local provider: ${this.#functions.size} function(s) restored`);
  }

  deploy(d: ValidDeployment): Promise<void> {
    return this.#serial(async () => {
      const k = key(d.service, d.namespace);
      if (this.#functions.has(k)) {
        throw new FaasError(
          'FUNCTION_EXISTS',
          `function ${d.service} already exists in ${d.namespace}`,
        );
      }
      const replicas = initialReplicas(d.labels);
      const fn = this.#newFunction({
        deployment: d,
        replicas,
        createdAt: this.#now().toISOString(),
      });
      const prepared = await this.#prepare(fn, d);
      this.#functions.set(k, fn);
      this.#rollout(fn, prepared, replicas);
      await this.#saveOrUndo(() => {
        this.#functions.delete(k);
        this.#track(fn.stop());
      });
    });
  }

  update(d: ValidDeployment): Promise<void> {
    return this.#serial(async () => {
      const fn = this.#get(d.service, d.namespace);
      const prepared = await this.#prepare(fn, d);
      fn.deployment = d;
      this.#rollout(fn, prepared, initialReplicas(d.labels, fn.desired));
      await this.#save();
    });
  }

  remove(name: string, namespace: string): Promise<void> {
    return this.#serial(async () => {
      const fn = this.#get(name, namespace);
      this.#functions.delete(key(name, namespace));
      fn.logs.close();
      this.#track(fn.stop());
      await this.#save();
    });
  }

  async list(namespace: string): Promise<FunctionState[]> {
    return [...this.#functions.values()]
      .filter((fn) => fn.deployment.namespace === namespace)
      .sort((a, b) => a.deployment.service.localeCompare(b.deployment.service))
      .map(toFunctionState);
  }

  async get(name: string, namespace: string): Promise<FunctionState> {
    return toFunctionState(this.#get(name, namespace));
  }

  scale(name: string, namespace: string, replicas: number): Promise<void> {
    return this.#serial(async () => {
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw new FaasError(
          'INVALID_REQUEST',
          `replicas must be a whole number ≥ 0, was ${replicas}`,
        );
      }
      this.#get(name, namespace).scaleTo(replicas);
      await this.#save();
    });
  }

  async resolve(name: string, namespace: string): Promise<URL> {
    const url = this.#get(name, namespace).next()?.url;
    if (url === undefined)
      throw new FaasError('NO_REPLICAS', `No endpoints available for: ${name}.`);
    return new URL(url);
  }

  async *logs(req: LogRequest, signal: AbortSignal): AsyncIterable<LogLine> {
    yield* this.#get(req.name, req.namespace).logs.read(req, signal);
  }

  /** The running replicas of a function: for diagnostics and tests. */
  replicaProcesses(
    name: string,
    namespace: string,
  ): { id: string; pid?: number; url?: string; ready: boolean }[] {
    return this.#get(name, namespace).replicas.map((r) => ({
      id: r.id,
      ...(r.pid === undefined ? {} : { pid: r.pid }),
      ...(r.url === undefined ? {} : { url: r.url }),
      ready: r.ready,
    }));
  }

  /** Stops every replica and waits for them to exit; deployments stay in the state file. */
  async close(): Promise<void> {
    await this.#serial(async () => {
      const all = [...this.#functions.values()];
      this.#functions.clear();
      for (const fn of all) {
        fn.logs.close();
        this.#track(fn.stop());
      }
      while (this.#removing.size > 0) await Promise.all(this.#removing);
      await rm(this.#runDir, { recursive: true, force: true });
    });
  }

  #newFunction(record: StoredFunction): LocalFunction {
    const { service, namespace } = record.deployment;
    const dir = join(
      this.#runDir,
      pathSegment('namespace', namespace),
      `${pathSegment('function', service)}-${randomBytes(4).toString('hex')}`,
    );
    return new LocalFunction(record, {
      dir,
      timing: this.#timing,
      logCapacity: this.#deps.logCapacity ?? DEFAULT_LOG_CAPACITY,
      now: this.#now,
      rolloutTimeoutMs: this.#deps.rolloutTimeoutMs ?? 30_000,
    });
  }

  #prepare(fn: LocalFunction, d: ValidDeployment): Promise<Prepared> {
    const { storeDir, nodePath = process.execPath, watchdogPath, baseEnv = {} } = this.#deps;
    const deps = { storeDir, secretFiles: this.#secretFiles, nodePath, watchdogPath, baseEnv };
    return prepare(deps, d, fn.secretsDir);
  }

  #rollout(fn: LocalFunction, prepared: Prepared, replicas: number): void {
    fn.imageEnv = prepared.imageEnv;
    fn.rollout(prepared.launch, replicas);
  }

  /** After a secret changed or went: every function using it gets its folder refreshed. */
  async #refreshSecret(namespace: string, name: string): Promise<void> {
    for (const fn of this.#functions.values()) {
      const d = fn.deployment;
      if (d.namespace === namespace && d.secrets.includes(name)) {
        await this.#secretFiles.materialize(namespace, d.secrets, fn.secretsDir);
      }
    }
  }

  #get(name: string, namespace: string): LocalFunction {
    const fn = this.#functions.get(key(name, namespace));
    if (!fn)
      throw new FaasError('FUNCTION_NOT_FOUND', `function ${name} not found in ${namespace}`);
    return fn;
  }

  #save(): Promise<void> {
    return this.#state.save([...this.#functions.values()].map((fn) => fn.record()));
  }

  async #saveOrUndo(undo: () => void): Promise<void> {
    try {
      await this.#save();
    } catch (err) {
      undo();
      throw new FaasError('PROVIDER_FAILURE', `cannot save ${this.#state.path}`, { cause: err });
    }
  }

  #track(stopping: Promise<void>): void {
    const p: Promise<void> = stopping
      .catch((err: unknown) =>
        this.#logger.error('local provider: stopping a function failed', err),
      )
      .finally(() => this.#removing.delete(p));
    this.#removing.add(p);
  }

  /** Mutations run one at a time, so check-then-act (exists? deploy) cannot interleave. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
