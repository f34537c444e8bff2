/**
 * A deployment as a Swarm service spec, and a service read back as a FunctionState (pure, both
 * ways). The mapping is faas-swarm's (CONTRACT.md §9) with its gaps closed: the image string and
 * the resource strings round-trip through labels, no default placement constraint is added, and
 * secrets are mounted at /var/openfaas/secrets/<name>.
 *
 * @module
 */
import { posix } from 'node:path';
import type Docker from 'dockerode';
import { FaasError } from '../../contract/errors.ts';
import { DEFAULT_NAMESPACE } from '../../contract/types.ts';
import type { ResourceList, ValidDeployment } from '../../contract/types.ts';
import type { FunctionState } from '../provider.ts';
import {
  ANNOTATION_PREFIX,
  FUNCTION_LABEL,
  IMAGE_LABEL,
  LEGACY_FUNCTION_LABEL,
  LIMITS_LABEL,
  REQUESTS_LABEL,
  SECRETS_DIR,
  UID_LABEL,
  reservedLabel,
} from './labels.ts';
import { swarmResources } from './resources.ts';

/** What the spec needs besides the deployment: names resolved against the engine. */
export interface SpecContext {
  /** The Swarm service name (the function name behind the provider's prefix). */
  readonly serviceName: string;
  /** The functions network, by name or id. */
  readonly network: string;
  readonly replicas: number;
  /** A fresh value per create or update: Swarm restarts the tasks when it changes. */
  readonly uid: string;
  /** The current Swarm secret (id and name) for each logical secret name in d.secrets. */
  readonly secrets: ReadonlyMap<string, { id: string; name: string }>;
  /** Swarm's ForceUpdate counter to write: the current one plus one on update. */
  readonly forceUpdate?: number;
}

/** User labels plus annotations as prefixed labels; a reserved key or a clash is refused. */
export function serviceLabels(d: ValidDeployment): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(d.labels)) {
    if (reservedLabel(key)) {
      throw new FaasError('INVALID_REQUEST', `labels: ${key} is reserved for the provider`);
    }
    labels[key] = value;
  }
  for (const [key, value] of Object.entries(d.annotations)) {
    const label = `${ANNOTATION_PREFIX}${key}`;
    if (label in labels) {
      throw new FaasError('INVALID_REQUEST', `annotations: ${key} clashes with label ${label}`);
    }
    labels[label] = value;
  }
  return labels;
}

const nonEmpty = (list: ResourceList | undefined): list is ResourceList =>
  list !== undefined && Object.keys(list).length > 0;

function resources(d: ValidDeployment): Docker.ResourceRequirements | undefined {
  const limits = swarmResources('limits', d.limits);
  const reservations = swarmResources('requests', d.requests);
  if (!limits && !reservations) return undefined;
  return {
    ...(limits ? { Limits: limits } : {}),
    ...(reservations ? { Reservations: reservations } : {}),
  };
}

function env(d: ValidDeployment): string[] {
  // envProcess wins over an envVars fprocess, which is kept when envProcess is unset
  const vars = Object.entries(d.envVars ?? {}).filter(([k]) => k !== 'fprocess' || !d.envProcess);
  const out = vars.map(([k, v]) => `${k}=${v}`);
  if (d.envProcess) out.push(`fprocess=${d.envProcess}`);
  return out;
}

function secretRefs(d: ValidDeployment, ctx: SpecContext): Docker.SecretReference[] {
  return d.secrets.map((name) => {
    const s = ctx.secrets.get(name);
    if (!s) throw new FaasError('UNKNOWN_SECRET', `secret not found: ${name}`);
    return {
      SecretID: s.id,
      SecretName: s.name,
      // an absolute target works on dockerd 20.10 (relative ones land under /run/secrets)
      File: { Name: posix.join(SECRETS_DIR, name), UID: '0', GID: '0', Mode: 0o444 },
    };
  });
}

/** The whole service spec for `d`. */
export function serviceSpec(d: ValidDeployment, ctx: SpecContext): Docker.ServiceSpec {
  const marker = { [FUNCTION_LABEL]: d.service, [LEGACY_FUNCTION_LABEL]: 'true' };
  const labels: Record<string, string> = {
    ...serviceLabels(d),
    ...marker,
    [IMAGE_LABEL]: d.image,
    [UID_LABEL]: ctx.uid,
  };
  if (nonEmpty(d.limits)) labels[LIMITS_LABEL] = JSON.stringify(d.limits);
  if (nonEmpty(d.requests)) labels[REQUESTS_LABEL] = JSON.stringify(d.requests);
  const readOnly = d.readOnlyRootFilesystem === true;
  const res = resources(d);
  const update = { Parallelism: 1, Order: 'start-first', FailureAction: 'rollback' };
  return {
    Name: ctx.serviceName,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: d.image,
        Labels: { ...marker, [UID_LABEL]: ctx.uid },
        Env: env(d),
        Init: true,
        ReadOnly: readOnly,
        ...(readOnly ? { Mounts: [{ Type: 'tmpfs', Source: '', Target: '/tmp' }] } : {}),
        Secrets: secretRefs(d, ctx),
      },
      ...(res ? { Resources: res } : {}),
      RestartPolicy: { Condition: 'any', Delay: 5e9, MaxAttempts: 5 },
      Placement: { Constraints: [...d.constraints] },
      Networks: [{ Target: ctx.network }],
      ForceUpdate: ctx.forceUpdate ?? 0,
    },
    Mode: { Replicated: { Replicas: ctx.replicas } },
    UpdateConfig: update,
    RollbackConfig: { Parallelism: 1, Order: 'stop-first', FailureAction: 'pause' },
    EndpointSpec: { Mode: 'dnsrr' },
  };
}

function parseList(labels: Record<string, string>, key: string): Record<string, ResourceList> {
  const raw = labels[key];
  if (raw === undefined) return {};
  try {
    const list = JSON.parse(raw) as ResourceList;
    const field = key === LIMITS_LABEL ? 'limits' : 'requests';
    return Object.keys(list).length > 0 ? { [field]: list } : {};
  } catch {
    return {};
  }
}

/** The function a service runs, as the gateway reports it; `available` comes from its tasks. */
export function functionState(service: Docker.Service, available: number): FunctionState {
  const spec = service.Spec ?? {};
  const all = spec.Labels ?? {};
  const task = (spec.TaskTemplate ?? {}) as Docker.ContainerTaskSpec;
  const container = task.ContainerSpec ?? {};
  const name = all[FUNCTION_LABEL] ?? spec.Name ?? '';
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith(ANNOTATION_PREFIX)) annotations[k.slice(ANNOTATION_PREFIX.length)] = v;
    else if (!reservedLabel(k)) labels[k] = v;
  }
  let envProcess = '';
  const envVars: Record<string, string> = {};
  for (const pair of container.Env ?? []) {
    const eq = pair.indexOf('=');
    const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    if (k === 'fprocess') envProcess = v;
    else envVars[k] = v;
  }
  const secrets = (container.Secrets ?? [])
    .map((s) => s.File?.Name ?? '')
    .filter((f) => posix.dirname(f) === SECRETS_DIR)
    .map((f) => posix.basename(f));
  return {
    name,
    image: all[IMAGE_LABEL] ?? container.Image ?? '',
    namespace: DEFAULT_NAMESPACE,
    envProcess,
    ...(Object.keys(envVars).length > 0 ? { envVars } : {}),
    constraints: [...(task.Placement?.Constraints ?? [])],
    secrets,
    labels: { ...labels, faas_function: name },
    annotations,
    ...parseList(all, LIMITS_LABEL),
    ...parseList(all, REQUESTS_LABEL),
    readOnlyRootFilesystem: container.ReadOnly === true,
    replicas: spec.Mode?.Replicated?.Replicas ?? 0,
    availableReplicas: available,
    createdAt: service.CreatedAt ?? '',
  };
}

/** The spec with the secret mounted at `file` pointing at `ref`, forced to roll (a new uid). */
export function withSecretRef(
  spec: Docker.ServiceSpec,
  file: string,
  ref: { id: string; name: string },
  uid: string,
): Docker.ServiceSpec {
  const task = spec.TaskTemplate as Docker.ContainerTaskSpec;
  const c = task.ContainerSpec ?? {};
  return {
    ...spec,
    TaskTemplate: {
      ...task,
      ForceUpdate: (task.ForceUpdate ?? 0) + 1,
      ContainerSpec: {
        ...c,
        Labels: { ...c.Labels, [UID_LABEL]: uid },
        Secrets: (c.Secrets ?? []).map((r) =>
          r.File?.Name === file ? { ...r, SecretID: ref.id, SecretName: ref.name } : r,
        ),
      },
    },
    Labels: { ...spec.Labels, [UID_LABEL]: uid },
  };
}
