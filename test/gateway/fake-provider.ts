/**
 * An in-memory Provider for unit and route tests: replicas are ready the moment they are asked
 * for, and resolve() returns whatever endpoint the test registered for the function.
 */
import { FaasError } from '../../gateway/contract/errors.ts';
import { initialReplicas } from '../../gateway/scaling/labels.ts';
import type { LogLine, LogRequest, ValidDeployment } from '../../gateway/contract/types.ts';
import type {
  Capabilities,
  FunctionState,
  Provider,
  ProviderInfo,
  SecretStore,
} from '../../gateway/providers/provider.ts';

interface Entry {
  deployment: ValidDeployment;
  replicas: number;
  createdAt: string;
}

const key = (name: string, namespace: string): string => `${namespace}/${name}`;

/** As the local provider reports them: omitted when unset or empty. */
const present = <T extends Record<string, string>>(
  field: string,
  value: T | undefined,
): Record<string, T> => (value && Object.keys(value).length > 0 ? { [field]: value } : {});

export class FakeProvider implements Provider {
  readonly capabilities: Capabilities = {
    scaling: true,
    scaleToZero: true,
    secrets: true,
    secretUpdate: true,
    logs: true,
  };
  readonly functions = new Map<string, Entry>();
  readonly secretValues = new Map<string, Buffer>();
  /** Where resolve() sends a function's traffic, by name. */
  readonly endpoints = new Map<string, URL>();
  /** The replicas reportFailure() was told about, in order. */
  readonly failures: URL[] = [];
  readonly logLines: LogLine[] = [];
  /** The env an image carries (FunctionState.imageEnv), by image name. */
  readonly imageEnv = new Map<string, Record<string, string>>();
  /** What healthy() answers, as a backend that comes and goes would. */
  up = true;

  async healthy(): Promise<boolean> {
    return this.up;
  }

  info(): ProviderInfo {
    return { provider: 'fake', orchestration: 'memory', version: '0.0.0' };
  }

  async deploy(d: ValidDeployment): Promise<void> {
    if (this.functions.has(key(d.service, d.namespace))) {
      throw new FaasError('FUNCTION_EXISTS', `function ${d.service} already exists`);
    }
    this.checkSecrets(d);
    const replicas = initialReplicas(d.labels);
    this.functions.set(key(d.service, d.namespace), {
      deployment: d,
      replicas,
      createdAt: new Date().toISOString(),
    });
  }

  async update(d: ValidDeployment): Promise<void> {
    const entry = this.entry(d.service, d.namespace);
    this.checkSecrets(d);
    entry.deployment = d;
  }

  async remove(name: string, namespace: string): Promise<void> {
    this.entry(name, namespace);
    this.functions.delete(key(name, namespace));
  }

  async list(namespace: string): Promise<FunctionState[]> {
    return [...this.functions.values()]
      .filter((e) => e.deployment.namespace === namespace)
      .map((e) => this.state(e));
  }

  async get(name: string, namespace: string): Promise<FunctionState> {
    return this.state(this.entry(name, namespace));
  }

  async scale(name: string, namespace: string, replicas: number): Promise<void> {
    this.entry(name, namespace).replicas = replicas;
  }

  async resolve(name: string, namespace: string): Promise<URL> {
    const entry = this.entry(name, namespace);
    const url = this.endpoints.get(name);
    if (entry.replicas === 0 || !url)
      throw new FaasError('NO_REPLICAS', `No endpoints available for: ${name}.`);
    return url;
  }

  reportFailure(url: URL): void {
    this.failures.push(url);
  }

  async *logs(req: LogRequest): AsyncIterable<LogLine> {
    this.entry(req.name, req.namespace);
    const lines = this.logLines.filter((l) => l.name === req.name);
    yield* req.tail === undefined ? lines : lines.slice(-req.tail);
  }

  readonly secrets: SecretStore = {
    list: async (namespace) =>
      [...this.secretValues.keys()]
        .filter((k) => k.startsWith(`${namespace}/`))
        .map((k) => ({ name: k.slice(namespace.length + 1), namespace })),
    create: async (s) => {
      if (this.secretValues.has(key(s.name, s.namespace))) {
        throw new FaasError('SECRET_EXISTS', `secret ${s.name} already exists`);
      }
      this.secretValues.set(key(s.name, s.namespace), s.value);
    },
    update: async (s) => {
      this.secretEntry(s.name, s.namespace);
      this.secretValues.set(key(s.name, s.namespace), s.value);
    },
    remove: async (name, namespace) => {
      this.secretEntry(name, namespace);
      this.secretValues.delete(key(name, namespace));
    },
  };

  async close(): Promise<void> {}

  private secretEntry(name: string, namespace: string): Buffer {
    const v = this.secretValues.get(key(name, namespace));
    if (!v) throw new FaasError('SECRET_NOT_FOUND', `secret ${name} not found`);
    return v;
  }

  private checkSecrets(d: ValidDeployment): void {
    for (const s of d.secrets) {
      if (!this.secretValues.has(key(s, d.namespace))) {
        throw new FaasError('UNKNOWN_SECRET', `secret not found: ${s}`);
      }
    }
  }

  private entry(name: string, namespace: string): Entry {
    const e = this.functions.get(key(name, namespace));
    if (!e) throw new FaasError('FUNCTION_NOT_FOUND', `function ${name} not found in ${namespace}`);
    return e;
  }

  private state(e: Entry): FunctionState {
    const d = e.deployment;
    return {
      name: d.service,
      image: d.image,
      namespace: d.namespace,
      envProcess: d.envProcess ?? '',
      ...present('envVars', d.envVars),
      constraints: [...d.constraints],
      secrets: [...d.secrets],
      labels: { ...d.labels, faas_function: d.service },
      annotations: { ...d.annotations },
      ...present('limits', d.limits),
      ...present('requests', d.requests),
      readOnlyRootFilesystem: d.readOnlyRootFilesystem ?? false,
      replicas: e.replicas,
      availableReplicas: e.replicas,
      createdAt: e.createdAt,
      ...present('imageEnv', this.imageEnv.get(d.image)),
    };
  }
}
