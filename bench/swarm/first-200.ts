/**
 * Deploy → first 200: for each of a few fresh function names, the time from just before
 * POST /system/functions (the run's `cat` image, through the gateway's published port) to the
 * arrival of the first 200 from POST /function/NAME through the gateway, polled every
 * POLL_MS. Each function is removed once timed, so every deploy meets the same swarm.
 */
import type Docker from 'dockerode';
import type { Platform } from './platform.ts';

/** Between two invocations while the function is not yet up. */
const POLL_MS = 20;
/** Per invocation, and for the whole wait of one function. */
const INVOKE_TIMEOUT_MS = 5_000;
const WAIT_DEADLINE_MS = 60_000;
const BODY = 'first';

export interface First200 {
  readonly name: string;
  /** From the deploy request to the first 200, ms. */
  readonly ms: number;
  /** How long the deploy request itself took to be answered (202), ms. */
  readonly deployMs: number;
  /** Invocations made until the 200, and the statuses seen before it (0: no answer). */
  readonly attempts: number;
  readonly statuses: Record<string, number>;
  /** From the deploy request to the container started, and to its first passing health check. */
  readonly phases?: Phases;
}

export interface Phases {
  readonly startedMs: number;
  readonly healthyMs?: number;
}

async function invoke(url: string, name: string): Promise<number> {
  try {
    const res = await fetch(`${url}/function/${name}`, {
      method: 'POST',
      body: BODY,
      signal: AbortSignal.timeout(INVOKE_TIMEOUT_MS),
    });
    const text = await res.text();
    return res.status === 200 && text !== BODY ? -1 : res.status;
  } catch {
    return 0;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface TaskSummary {
  Status?: { ContainerStatus?: { ContainerID?: string } };
}

interface ContainerState {
  State?: { StartedAt?: string; Health?: { Log?: { End?: string; ExitCode?: number }[] } };
}

/**
 * Where the time went, from the engine's own timestamps (the same clock): when the function's
 * container started, and when its image's health check, if it has one, first passed (Swarm
 * lists such a task only once healthy). Undefined when the engine no longer has them.
 */
export async function phases(
  docker: Docker,
  name: string,
  wallStart: number,
): Promise<Phases | undefined> {
  const tasks = (await docker.listTasks({ filters: { service: [name] } })) as TaskSummary[];
  const id = tasks.map((t) => t.Status?.ContainerStatus?.ContainerID).find(Boolean);
  if (!id) return undefined;
  const c = (await docker.getContainer(id).inspect()) as ContainerState;
  const at = (iso: string | undefined): number | undefined =>
    iso ? Date.parse(iso) - wallStart : undefined;
  const startedMs = at(c.State?.StartedAt);
  if (startedMs === undefined) return undefined;
  const passed = c.State?.Health?.Log?.find((l) => l.ExitCode === 0);
  return { startedMs, healthyMs: at(passed?.End) };
}

/** Deploys `name` and polls it to its first 200. */
export async function timeFirst200(p: Platform, name: string, image = p.image): Promise<First200> {
  const started = performance.now();
  const res = await p.api('/system/functions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: name, image, envProcess: 'cat' }),
  });
  const deployMs = performance.now() - started;
  if (res.status !== 202) throw new Error(`deploy ${name}: ${res.status} ${await res.text()}`);
  const statuses: Record<string, number> = {};
  for (let attempts = 1; ; attempts++) {
    const status = await invoke(p.url, name);
    if (status === 200) {
      return { name, ms: performance.now() - started, deployMs, attempts, statuses };
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (performance.now() - started > WAIT_DEADLINE_MS) {
      throw new Error(
        `${name}: no 200 within ${WAIT_DEADLINE_MS} ms (${JSON.stringify(statuses)})`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** Removes a function through the gateway; a failure is left to the run's cleanup. */
export async function removeFunction(p: Platform, name: string): Promise<void> {
  await p
    .api('/system/functions', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ functionName: name }),
    })
    .catch(() => undefined);
}

export interface SeriesOptions {
  readonly count: number;
  /** Function names are `<prefix><stem>-<i>`. */
  readonly stem: string;
  readonly image: string;
  readonly say: (line: string) => void;
}

/** `count` fresh functions of `image`, each deployed, timed and removed. */
export async function first200Series(
  p: Platform,
  docker: Docker,
  o: SeriesOptions,
): Promise<First200[]> {
  const results: First200[] = [];
  for (let i = 1; i <= o.count; i++) {
    const name = `${p.names.prefix}${o.stem}-${i}`;
    const wallStart = Date.now();
    const timed = await timeFirst200(p, name, o.image);
    const r = { ...timed, phases: await phases(docker, name, wallStart).catch(() => undefined) };
    const ph = r.phases
      ? `; container started at ${r.phases.startedMs} ms, healthy at ${r.phases.healthyMs ?? '?'} ms`
      : '';
    o.say(`deploy → first 200 of ${name}: ${Math.round(r.ms)} ms (${r.attempts} invocations${ph})`);
    results.push(r);
    await removeFunction(p, name);
  }
  return results;
}
