/**
 * `faas push`: each function's image to the registry its name gives, through the Docker engine
 * (dockerode `image.push`), with the push's progress. Images without a registry host, and
 * registries that do not answer, are explained rather than attempted.
 */
import type { Command } from 'commander';
import type Docker from 'dockerode';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { dockerAvailable, followProgress, imageExists } from '../images/docker-engine.ts';
import type { ProgressEvent } from '../images/docker-engine.ts';
import { parseImageName } from '../images/image-name.ts';
import { stackFunctions } from './stack-deploy.ts';
import type { StackFlags } from './stack-deploy.ts';
import type { FunctionSpec } from '../stack/types.ts';

/** How long a registry may take to answer `GET /v2/`. */
const REGISTRY_TIMEOUT_MS = 2000;
export const LOCAL_REGISTRY = '127.0.0.1:5000';
const START_REGISTRY = `bash scripts/services.sh starts one on ${LOCAL_REGISTRY}`;

/** True when something answers HTTP(S) on `host`'s `/v2/` (any status: 401 is a registry too). */
export async function registryAnswers(
  host: string,
  fetchFn: typeof fetch = fetch,
  timeoutMs = REGISTRY_TIMEOUT_MS,
): Promise<boolean> {
  for (const scheme of ['http', 'https']) {
    try {
      await fetchFn(`${scheme}://${host}/v2/`, { signal: AbortSignal.timeout(timeoutMs) });
      return true;
    } catch {
      // try the other scheme
    }
  }
  return false;
}

/** Why `image` cannot be pushed before trying, or undefined when it can be tried. */
export async function pushBlocker(
  image: string,
  fetchFn?: typeof fetch,
): Promise<string | undefined> {
  const { registry, path, tag } = parseImageName(image);
  if (registry === undefined) {
    return `push ${image}: no registry in the image name; name it ${LOCAL_REGISTRY}/${path}:${tag} to push to a local registry`;
  }
  if (!(await registryAnswers(registry, fetchFn))) {
    return `registry ${registry} is not reachable: start one (${START_REGISTRY})`;
  }
  return undefined;
}

/** One line per layer and status, not one per progress tick. */
function pushLine(event: ProgressEvent, seen: Set<string>): string | undefined {
  if (!event.status) return undefined;
  const key = `${event.id ?? ''} ${event.status}`;
  if (seen.has(key)) return undefined;
  seen.add(key);
  return event.id ? `${event.id}: ${event.status}` : event.status;
}

/** Pushes one image, its progress as `[name] line`; a failure is a CliError naming it. */
export async function pushImage(
  docker: Docker,
  name: string,
  image: string,
  progress: (line: string) => void,
): Promise<void> {
  if (!(await imageExists(docker, image))) {
    throw new CliError(`push ${image}: the Docker engine has no such image; run faas build first`);
  }
  const { repository, tag, registry } = parseImageName(image);
  const seen = new Set<string>();
  try {
    // The engine wants an X-Registry-Auth header even for a registry without auth.
    const stream = await docker.getImage(repository).push({ tag, authconfig: {} });
    await followProgress(docker, stream, (event) => {
      const line = pushLine(event, seen);
      if (line) progress(`[${name}] ${line}`);
    });
  } catch (error) {
    throw new CliError(
      `push ${image} to ${registry ?? 'its registry'} failed: ${(error as Error).message}`,
    );
  }
  progress(`[${name}] pushed ${image}`);
}

export interface PushOptions {
  /** `up`: images that name no registry are skipped with a note instead of failing. */
  readonly skipUnnamed: boolean;
}

/** Pushes the functions' images in order, stopping at the first failure. */
export async function pushFunctions(
  ctx: CliContext,
  docker: Docker,
  functions: readonly FunctionSpec[],
  o: PushOptions,
): Promise<void> {
  for (const fn of functions) {
    if (fn.skipBuild) {
      ctx.out(`[${fn.name}] skip_build: not pushing ${fn.image}\n`);
      continue;
    }
    const started = Date.now();
    if (o.skipUnnamed && parseImageName(fn.image).registry === undefined) {
      ctx.out(`[${fn.name}] not pushed: ${fn.image} names no registry (the engine keeps it)\n`);
      continue;
    }
    const blocker = await pushBlocker(fn.image, ctx.fetch);
    if (blocker) throw new CliError(blocker);
    await pushImage(docker, fn.name, fn.image, (l) => ctx.out(`${l}\n`));
    ctx.out(`[${fn.name}] push took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

async function push(ctx: CliContext, docker: Docker, o: StackFlags): Promise<void> {
  const { functions } = await stackFunctions(ctx, o);
  for (const fn of functions) {
    const blocker = fn.skipBuild ? undefined : await pushBlocker(fn.image, ctx.fetch);
    if (blocker) throw new CliError(blocker);
  }
  const engine = await dockerAvailable(docker, ctx.env);
  if (!engine.ok) {
    throw new CliError(
      `${engine.reason}: faas push needs one (bash scripts/services.sh starts dockerd)`,
    );
  }
  await pushFunctions(ctx, docker, functions, { skipUnnamed: false });
}

export function registerPushCommand(program: Command, ctx: CliContext, docker: () => Docker): void {
  program
    .command('push')
    .description("push functions' images to the registry their names give")
    .option('-f, --yaml <file>', 'stack file (default stack.yml, then stack.yaml)')
    .option('--filter <glob>', 'only functions whose name matches')
    .option('--regex <regex>', 'only functions whose name matches')
    .action((o: StackFlags) => push(ctx, docker(), o));
}
