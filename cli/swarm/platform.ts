/**
 * `faas swarm up` and `faas swarm down` as steps over a Docker engine that is a Swarm manager:
 * up builds the gateway image, creates the network and the credential secrets when missing,
 * creates or updates the gateway service and waits for it; down removes the gateway service
 * and, with `all`, the function services on the platform's network, their secrets, the
 * credential secrets and the network. Everything printed goes through `say`.
 *
 * @module
 */
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { pushBlocker, pushImage } from '../commands/push.ts';
import { CliError } from '../errors.ts';
import { parseImageName } from '../images/image-name.ts';
import { buildGatewayImage } from './gateway-image.ts';
import {
  applyGatewayService,
  findService,
  gatewayServiceSpec,
  waitForHealthz,
  waitForTask,
} from './gateway-service.ts';
import type { ServiceSummary } from './gateway-service.ts';
import { FUNCTION_LABEL, PLATFORM_LABEL, passwordFile, secretNames } from './settings.ts';
import type { SwarmSettings } from './settings.ts';
import { ensureAuthSecrets, ensureNetwork, findNetwork, findSecret } from './swarm-objects.ts';

/** How long the gateway's task may take to run, and then to answer /healthz. */
const TASK_DEADLINE_MS = 90_000;
const HEALTHZ_DEADLINE_MS = 30_000;
/** How long down waits for a network's last containers to go. */
const NETWORK_DEADLINE_MS = 60_000;

interface SwarmInfo {
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
}

/** This engine's node id; fails unless it is a manager of an active swarm. */
export async function requireManager(docker: Docker): Promise<string> {
  const info = (await docker.info()) as SwarmInfo;
  const swarm = info.Swarm ?? {};
  if (swarm.LocalNodeState !== 'active') {
    throw new CliError(
      `this Docker engine is not in a swarm (state ${swarm.LocalNodeState || 'inactive'}): run docker swarm init first`,
    );
  }
  if (swarm.ControlAvailable !== true) {
    throw new CliError('this Docker engine is a swarm worker: run faas swarm on a manager node');
  }
  return swarm.NodeID ?? '';
}

export interface UpOptions {
  readonly settings: SwarmSettings;
  readonly base: string;
  /** An image name to build (or, with skipBuild, to use as it is). */
  readonly image?: string;
  readonly skipBuild: boolean;
  readonly push: boolean;
  /** The admin password to create the secret with; generated when undefined. */
  readonly password?: string;
  readonly env?: readonly string[];
  readonly constraints?: readonly string[];
  readonly say: (line: string) => void;
}

/** Times a step and says how long it took. */
async function step<T>(say: (l: string) => void, what: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const value = await run();
  say(`${what} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return value;
}

async function gatewayImage(docker: Docker, o: UpOptions): Promise<string> {
  if (o.skipBuild) {
    if (!o.image) throw new CliError('--skip-build needs --image: the image to deploy');
    o.say(`using the image ${o.image} as it is`);
    return o.image;
  }
  const image = await step(o.say, 'gateway image', () =>
    buildGatewayImage(docker, { base: o.base, image: o.image, say: o.say }),
  );
  if (o.push) {
    const blocker = await pushBlocker(image);
    if (blocker) throw new CliError(blocker);
    await step(o.say, 'push', () => pushImage(docker, 'gateway', image, o.say));
  } else if (parseImageName(image).registry === undefined) {
    o.say('the image stays on this node: a multi-node swarm needs --image REGISTRY/… --push');
  }
  return image;
}

/** Deploys or updates the platform; returns the gateway URL it answers on. */
export async function swarmUp(docker: Docker, o: UpOptions): Promise<string> {
  const { settings: s, say } = o;
  const nodeId = await requireManager(docker);
  const started = Date.now();
  const image = await gatewayImage(docker, o);
  const networkId = await ensureNetwork(docker, s, say);
  const secrets = await ensureAuthSecrets(docker, s, o.password, say);
  const { env, constraints } = o;
  const spec = gatewayServiceSpec({ settings: s, image, networkId, secrets, env, constraints });
  const serviceId = await applyGatewayService(docker, spec, say);
  const task = await step(say, `service ${s.service} task running`, () =>
    waitForTask(docker, serviceId, spec, TASK_DEADLINE_MS),
  );
  const url = `http://127.0.0.1:${s.port}`;
  if (task.NodeID === nodeId) {
    await step(say, `${url}/healthz answering`, () =>
      waitForHealthz(`${url}/healthz`, HEALTHZ_DEADLINE_MS),
    );
  } else {
    say(`the gateway runs on node ${task.NodeID ?? '?'}: reach it on that node's port ${s.port}`);
  }
  say(`the platform is up on the swarm in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return url;
}

export interface DownOptions {
  readonly settings: SwarmSettings;
  /** Also function services on the network, their secrets, the credentials and the network. */
  readonly all: boolean;
  readonly say: (line: string) => void;
}

/** Whether a service is attached to the network with id `networkId`. */
function onNetwork(service: ServiceSummary, networkId: string): boolean {
  const task = service.Spec?.TaskTemplate as Docker.ContainerTaskSpec | undefined;
  const attached = [...(task?.Networks ?? []), ...(service.Spec?.Networks ?? [])];
  return attached.some((n) => n.Target === networkId);
}

/** Secret ids a service mounts. */
function secretIds(service: ServiceSummary): string[] {
  const task = service.Spec?.TaskTemplate as Docker.ContainerTaskSpec | undefined;
  return (task?.ContainerSpec?.Secrets ?? []).flatMap((r) => (r.SecretID ? [r.SecretID] : []));
}

async function removeSecret(docker: Docker, id: string, label: string, say: (l: string) => void) {
  try {
    await docker.getSecret(id).remove();
    say(`removed secret ${label}`);
  } catch (error) {
    const code = (error as { statusCode?: number }).statusCode;
    if (code === 404) return;
    say(`kept secret ${label}: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
}

async function removeFunctions(docker: Docker, networkId: string, say: (l: string) => void) {
  const services = (await docker.listServices({
    filters: { label: [FUNCTION_LABEL] },
  })) as unknown as ServiceSummary[];
  const ours = services.filter((x) => onNetwork(x, networkId));
  const secrets = new Set<string>();
  for (const service of ours) {
    for (const id of secretIds(service)) secrets.add(id);
    await docker.getService(service.ID).remove();
    say(`removed function service ${service.Spec?.Name ?? service.ID}`);
  }
  for (const id of secrets) await removeSecret(docker, id, id, say);
}

async function removeNetwork(docker: Docker, name: string, say: (l: string) => void) {
  const deadline = Date.now() + NETWORK_DEADLINE_MS;
  for (;;) {
    const network = await findNetwork(docker, name);
    if (!network) return;
    try {
      await docker.getNetwork(network.Id).remove();
      say(`removed network ${name}`);
      return;
    } catch (error) {
      const code = (error as { statusCode?: number }).statusCode;
      if (code === 404) return;
      if (Date.now() > deadline) {
        throw new CliError(`network ${name} could not be removed: ${(error as Error).message}`);
      }
      await sleep(500); // tasks of removed services are still stopping
    }
  }
}

/** Removes the gateway service and, with `all`, everything the platform made. */
export async function swarmDown(docker: Docker, o: DownOptions): Promise<void> {
  const { settings: s, say } = o;
  await requireManager(docker);
  const gateway = await findService(docker, s.service);
  if (gateway && gateway.Spec?.Labels?.[PLATFORM_LABEL] !== s.service) {
    throw new CliError(`service ${s.service} was not made by faas swarm up: not removing it`);
  }
  if (gateway) {
    await docker.getService(gateway.ID).remove();
    say(`removed service ${s.service}`);
  } else say(`no service ${s.service}`);
  if (!o.all) return;
  const network = await findNetwork(docker, s.network);
  if (network) await removeFunctions(docker, network.Id, say);
  for (const name of Object.values(secretNames(s))) {
    const secret = await findSecret(docker, name);
    if (secret && secret.Spec?.Labels?.[PLATFORM_LABEL] !== s.service) {
      say(`kept secret ${name}: it was not made by faas swarm up for ${s.service}`);
    } else if (secret) await removeSecret(docker, secret.ID, name, say);
  }
  await rm(passwordFile(s), { force: true });
  await removeNetwork(docker, s.network, say);
}
