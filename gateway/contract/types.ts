/**
 * The OpenFaaS wire types (faas-provider `types`), as JSON on /system/*. Field names are exact;
 * ../../docs/api.md says which are optional and when they are omitted.
 */

export const DEFAULT_NAMESPACE = 'openfaas-fn';

export type ResourceList = Record<string, string>; // memory, cpu, nvidia.com/gpu: original strings

/** Body of POST/PUT /system/functions. */
export interface FunctionDeployment {
  service: string;
  image: string;
  namespace?: string;
  envProcess?: string;
  envVars?: Record<string, string>;
  constraints?: string[];
  secrets?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  limits?: ResourceList;
  requests?: ResourceList;
  readOnlyRootFilesystem?: boolean;
}

/** A deployment after validation: namespace filled in, optional maps made explicit. */
export interface ValidDeployment extends FunctionDeployment {
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  secrets: string[];
  constraints: string[];
}

/** Item of GET /system/functions and body of GET /system/function/{name}. */
export interface FunctionStatus {
  name: string;
  image: string;
  namespace: string;
  envProcess: string;
  envVars?: Record<string, string>;
  constraints: string[];
  secrets: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  limits?: ResourceList;
  requests?: ResourceList;
  readOnlyRootFilesystem: boolean;
  invocationCount: number;
  replicas: number;
  availableReplicas: number;
  createdAt: string;
}

export interface ScaleServiceRequest {
  serviceName: string;
  replicas: number;
  namespace?: string;
}

export interface DeleteFunctionRequest {
  functionName: string;
  namespace?: string;
}

export interface Secret {
  name: string;
  namespace?: string;
  value?: string;
  /** base64 bytes; preferred over value when non-empty. */
  rawValue?: string;
}

export interface VersionInfo {
  sha: string;
  release: string;
  commit_message: string;
}

export interface GatewayInfo {
  provider: { provider: string; orchestration: string; version: VersionInfo };
  version: VersionInfo;
  arch: string;
}

export interface LogLine {
  name: string;
  namespace: string;
  instance: string;
  timestamp: string;
  text: string;
}

export interface LogRequest {
  name: string;
  namespace: string;
  instance?: string;
  /** Lines from the end; undefined = all. */
  tail?: number;
  since?: Date;
  follow: boolean;
}
