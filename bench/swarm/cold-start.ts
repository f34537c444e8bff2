/**
 * Scale from zero on Swarm: a deployed fork-mode `cat` function is scaled to 0 through the
 * gateway, left until the engine runs no task of it, then called once through the gateway, which
 * holds the call while it scales the service to 1 and waits for a ready replica. Timed from the
 * call to its 200. Baseline, same function and run: the call just before, while warm.
 */
import type Docker from 'dockerode';
import type { Platform } from './platform.ts';

const WAIT_MS = 60_000;
const BODY = 'cold';

export interface ColdStart {
  readonly warmMs: number;
  readonly coldMs: number;
  /** The gateway's X-Cold-Start-Seconds on the cold call. */
  readonly header: number;
}

async function timedCall(p: Platform, name: string) {
  const began = performance.now();
  const res = await fetch(`${p.url}/function/${name}`, { method: 'POST', body: BODY });
  const text = await res.text();
  const ms = performance.now() - began;
  if (res.status !== 200 || text !== BODY) throw new Error(`${name}: ${res.status} ${text}`);
  return { ms, header: res.headers.get('x-cold-start-seconds') };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function noTaskRunning(docker: Docker, name: string): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  for (;;) {
    const tasks = (await docker.listTasks({ filters: { service: [name] } })) as {
      Status?: { State?: string };
    }[];
    if (!tasks.some((t) => t.Status?.State === 'running')) return;
    if (performance.now() > deadline) throw new Error(`${name}: tasks still running`);
    await sleep(100);
  }
}

/** `count` rounds of warm call, scale to 0, cold call, on the already deployed `name`. */
export async function coldStarts(
  p: Platform,
  docker: Docker,
  name: string,
  count: number,
  say: (line: string) => void,
): Promise<ColdStart[]> {
  const results: ColdStart[] = [];
  for (let i = 1; i <= count; i++) {
    const warm = await timedCall(p, name);
    const scaled = await p.api(`/system/scale-function/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serviceName: name, replicas: 0 }),
    });
    if (!scaled.ok) throw new Error(`scale ${name} to 0: ${scaled.status} ${await scaled.text()}`);
    await noTaskRunning(docker, name);
    await sleep(500); // the gateway's function cache and resolver forget the old task
    const cold = await timedCall(p, name);
    if (cold.header === null) throw new Error(`${name}: a cold call without X-Cold-Start-Seconds`);
    const r = { warmMs: warm.ms, coldMs: cold.ms, header: Number(cold.header) };
    say(
      `scale from zero ${i}/${count}: cold ${Math.round(r.coldMs)} ms, warm ${r.warmMs.toFixed(1)} ms`,
    );
    results.push(r);
  }
  return results;
}
