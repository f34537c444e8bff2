/**
 * The provider contract: what the gateway needs from whatever runs functions (local processes,
 * Docker Swarm). Methods throw FaasError with a code, never HTTP statuses. Consumers depend on
 * the slice they use, e.g. invoke needs `Pick<Provider, 'resolve'>`.
 */
import type {
  FunctionStatus,
  LogLine,
  LogRequest,
  Secret,
  ValidDeployment,
} from '../contract/types.ts';

export interface Capabilities {
  /** scale() changes running replicas. */
  readonly scaling: boolean;
  /** replicas may be 0. */
  readonly scaleToZero: boolean;
  readonly secrets: boolean;
  /** Secret values can change in place (Swarm secrets are immutable unless versioned). */
  readonly secretUpdate: boolean;
  readonly logs: boolean;
}

/** FunctionStatus without the gateway's own counter, plus what only the gateway reads. */
export type FunctionState = Omit<FunctionStatus, 'invocationCount'> & {
  /**
   * The image's own environment, which envVars override (the timeout rule reads its
   * write_timeout/exec_timeout). Omitted when the provider does not know it; never on the wire.
   */
  readonly imageEnv?: Readonly<Record<string, string>>;
};

export interface ProviderInfo {
  readonly provider: string;
  readonly orchestration: string;
  readonly version: string;
}

export interface SecretStore {
  /** Names only: values never leave the store. */
  list(namespace: string): Promise<{ name: string; namespace: string }[]>;
  create(secret: Required<Pick<Secret, 'name' | 'namespace'>> & { value: Buffer }): Promise<void>;
  update(secret: Required<Pick<Secret, 'name' | 'namespace'>> & { value: Buffer }): Promise<void>;
  remove(name: string, namespace: string): Promise<void>;
}

export interface Provider {
  readonly capabilities: Capabilities;
  info(): ProviderInfo;
  /** FUNCTION_EXISTS, IMAGE_NOT_FOUND, UNKNOWN_SECRET. */
  deploy(d: ValidDeployment): Promise<void>;
  /** FUNCTION_NOT_FOUND when absent. */
  update(d: ValidDeployment): Promise<void>;
  remove(name: string, namespace: string): Promise<void>;
  list(namespace: string): Promise<FunctionState[]>;
  get(name: string, namespace: string): Promise<FunctionState>;
  scale(name: string, namespace: string, replicas: number): Promise<void>;
  /** A ready replica's base URL, round-robin; NO_REPLICAS when none is ready. */
  resolve(name: string, namespace: string): Promise<URL>;
  /** The replica at `url` refused a call: resolve() skips it for a while (when it can tell). */
  reportFailure?(url: URL): void;
  logs(req: LogRequest, signal: AbortSignal): AsyncIterable<LogLine>;
  readonly secrets: SecretStore;
  /** Whether the backend answers (e.g. dockerd); /healthz says 503 while it does not. */
  healthy?(): Promise<boolean>;
  /** Stops what the provider runs for this process; deployments persist for the next start. */
  close(): Promise<void>;
}
