/**
 * The gateway as a Swarm service: its spec (pure), created or updated in place, then awaited
 * until a task of the new spec runs and, when it runs on this node, until it answers /healthz on
 * 127.0.0.1. No IPVS on some kernels (and none needed): the service uses DNS round robin and
 * publishes its port in host mode, which a one-node swarm reaches on loopback. Updates stop the
 * old task first, since two tasks cannot hold one host port on one node.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { CliError } from '../errors.ts';
import { PLATFORM_LABEL, SECRET_MOUNT_PATH, USER_SECRET, PASSWORD_SECRET } from './settings.ts';
import type { SwarmSettings } from './settings.ts';
import type { AuthSecrets } from './swarm-objects.ts';

/** The port the gateway listens on inside its container. */
export const GATEWAY_PORT = 8080;
export const DOCKER_SOCKET = '/var/run/docker.sock';
/** The constraint that keeps the gateway on a manager: only managers answer the Swarm API. */
export const MANAGER_CONSTRAINT = 'node.role == manager';

export interface GatewayServiceInput {
  readonly settings: Pick<SwarmSettings, 'service' | 'network' | 'port'>;
  readonly image: string;
  readonly networkId: string;
  readonly secrets: AuthSecrets;
  /** Extra `key=value` environment for the gateway (docs/config.md). */
  readonly env?: readonly string[];
  /** Placement constraints besides MANAGER_CONSTRAINT (e.g. `node.hostname == m1`). */
  readonly constraints?: readonly string[];
}

const secretRef = (ref: { id: string; name: string }, file: string): Docker.SecretReference => ({
  SecretID: ref.id,
  SecretName: ref.name,
  File: { Name: file, UID: '0', GID: '0', Mode: 0o400 },
});

/**
 * Label with a hash of the spec, on the service and on its containers: an unchanged spec is not
 * sent again, and the task of a new spec is told apart from the old one by it.
 */
export const SPEC_LABEL = 'com.faas.spec';

/** The gateway service's spec (pure), with SPEC_LABEL set. */
export function gatewayServiceSpec(i: GatewayServiceInput): Docker.ServiceSpec {
  const spec = baseSpec(i);
  const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
  const task = spec.TaskTemplate as Docker.ContainerTaskSpec;
  return {
    ...spec,
    Labels: { ...spec.Labels, [SPEC_LABEL]: hash },
    TaskTemplate: {
      ...task,
      ContainerSpec: { ...task.ContainerSpec, Labels: { [SPEC_LABEL]: hash } },
    },
  };
}

function baseSpec(i: GatewayServiceInput): Docker.ServiceSpec {
  const { service, network, port } = i.settings;
  return {
    Name: service,
    Labels: { [PLATFORM_LABEL]: service, 'com.faas.role': 'gateway' },
    TaskTemplate: {
      ContainerSpec: {
        Image: i.image,
        Env: [
          'provider=swarm',
          `functions_network=${network}`,
          `secret_mount_path=${SECRET_MOUNT_PATH}`,
          'bind_address=0.0.0.0',
          `port=${GATEWAY_PORT}`,
          ...(i.env ?? []),
        ],
        Mounts: [{ Type: 'bind', Source: DOCKER_SOCKET, Target: DOCKER_SOCKET }],
        Secrets: [
          secretRef(i.secrets.user, USER_SECRET),
          secretRef(i.secrets.password, PASSWORD_SECRET),
        ],
        StopGracePeriod: 10e9,
      },
      Placement: { Constraints: [MANAGER_CONSTRAINT, ...(i.constraints ?? [])] },
      RestartPolicy: { Condition: 'any', Delay: 2e9 },
      Networks: [{ Target: i.networkId, Aliases: ['gateway'] }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    UpdateConfig: { Parallelism: 1, Order: 'stop-first', FailureAction: 'rollback', Monitor: 5e9 },
    RollbackConfig: { Parallelism: 1, Order: 'stop-first' },
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: [
        { Protocol: 'tcp', TargetPort: GATEWAY_PORT, PublishedPort: port, PublishMode: 'host' },
      ],
    },
  };
}

/** The parts of a service and a task read here. */
export interface ServiceSummary {
  ID: string;
  Version?: { Index?: number };
  Spec?: Docker.ServiceSpec & { Labels?: Record<string, string> };
  UpdateStatus?: { State?: string; Message?: string };
}
interface TaskSummary {
  ID: string;
  NodeID?: string;
  Spec?: { ContainerSpec?: { Image?: string; Labels?: Record<string, string> } };
  Status?: { State?: string; Message?: string; Err?: string };
  DesiredState?: string;
  ServiceID?: string;
  Version?: { Index?: number };
}

/** The service named exactly `name`, if any. */
export async function findService(
  docker: Docker,
  name: string,
): Promise<ServiceSummary | undefined> {
  const found = (await docker.listServices({
    filters: { name: [name] },
  })) as unknown as ServiceSummary[];
  return found.find((x) => x.Spec?.Name === name);
}

/**
 * Creates the service, or updates it when it is the platform's own (labelled by faas swarm up)
 * and its spec changed; another service of that name is never touched. Returns its id.
 */
export async function applyGatewayService(
  docker: Docker,
  spec: Docker.ServiceSpec,
  say: (line: string) => void,
): Promise<string> {
  const name = spec.Name ?? '';
  const existing = await findService(docker, name);
  if (!existing) {
    const created = await docker.createService(spec);
    say(`created service ${name}`);
    return created.id;
  }
  const labels = existing.Spec?.Labels ?? {};
  if (labels[PLATFORM_LABEL] !== name) {
    throw new CliError(
      `a service named ${name} exists and was not made by faas swarm up: pick another name with --name`,
    );
  }
  if (labels[SPEC_LABEL] === spec.Labels?.[SPEC_LABEL]) {
    say(`service ${name} is up to date`);
    return existing.ID;
  }
  await docker.getService(existing.ID).update({ version: existing.Version?.Index, ...spec });
  say(`updating service ${name} (the old task stops first)`);
  return existing.ID;
}

/** How a task's state reads in a failure message. */
const taskState = (t: TaskSummary | undefined): string =>
  t === undefined
    ? 'no task yet'
    : `${t.Status?.State ?? '?'}${t.Status?.Err ? `: ${t.Status.Err}` : t.Status?.Message ? ` (${t.Status.Message})` : ''}`;

/** Polls until a task of `spec` runs; returns it. Fails on a rollback or at the deadline. */
export async function waitForTask(
  docker: Docker,
  serviceId: string,
  spec: Docker.ServiceSpec,
  deadlineMs: number,
): Promise<TaskSummary> {
  const hash = spec.Labels?.[SPEC_LABEL];
  const deadline = Date.now() + deadlineMs;
  let last: TaskSummary | undefined;
  for (;;) {
    const tasks = (await docker.listTasks({
      filters: { service: [serviceId], 'desired-state': ['running'] },
    })) as TaskSummary[];
    const current = tasks
      .filter((t) => t.Spec?.ContainerSpec?.Labels?.[SPEC_LABEL] === hash)
      .sort((a, b) => (b.Version?.Index ?? 0) - (a.Version?.Index ?? 0));
    last = current[0] ?? last;
    const running = current.find((t) => t.Status?.State === 'running');
    if (running) return running;
    const service = (await docker.getService(serviceId).inspect()) as ServiceSummary;
    const update = service.UpdateStatus;
    if (update?.State === 'rollback_completed' || update?.State === 'paused') {
      throw new CliError(`the gateway update was ${update.State}: ${update.Message ?? ''}`);
    }
    if (Date.now() > deadline) {
      throw new CliError(
        `the gateway task did not start within ${deadlineMs / 1000} s: ${taskState(last)}`,
      );
    }
    await sleep(250);
  }
}

/** Polls `url` until it answers 200; fails at the deadline with the last answer. */
export async function waitForHealthz(
  url: string,
  deadlineMs: number,
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetchFn(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `${res.status} ${(await res.text()).slice(0, 200)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new CliError(`${url} did not answer 200 within ${deadlineMs / 1000} s: ${last}`);
    }
    await sleep(250);
  }
}
