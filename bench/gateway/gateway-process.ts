/**
 * The built gateway (dist/gateway.mjs) as a child process under benchmark: its own temp state
 * dir and image store, a free loopback port, basic auth with a fixed password, stderr to a
 * file. Plus the REST calls the scenarios need and a sweep that finds every process this
 * gateway started (by the TMPDIR the local provider gives each replica, which lies inside the
 * state dir) so that nothing of ours outlives the run.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, sleep } from '../lib/processes.ts';

export const GATEWAY = resolve('dist/gateway.mjs');
export const BENCH_PASSWORD = 'bench-password';
const AUTH = `Basic ${Buffer.from(`admin:${BENCH_PASSWORD}`).toString('base64')}`;
const START_TIMEOUT_MS = 20_000;
/** The provider stops replicas with healthcheck_interval=1s, then they drain; 100 take ~2 s. */
const STOP_TIMEOUT_MS = 45_000;
const REST_TIMEOUT_MS = 15_000;

/** Resolves after `ms` without holding the process open (a race's losing timer must not). */
const timeout = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export interface GatewayProc {
  readonly child: ChildProcess;
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The state dir; every replica's TMPDIR is inside it. */
  readonly stateDir: string;
  readonly imageStore: string;
  log(): string;
  /** GET/POST/… on /system/* with the admin credentials; throws on a non-2xx answer. */
  system(method: string, path: string, body?: unknown): Promise<unknown>;
  /** SIGTERM, wait for the exit (the gateway stops its replicas first), SIGKILL stragglers. */
  stop(): Promise<StopReport>;
}

export interface StopReport {
  readonly exitedCleanly: boolean;
  readonly stopMs: number;
  /** Our processes still alive after the gateway exited, SIGKILLed by the sweep. */
  readonly stragglersKilled: number[];
}

export interface StartOptions {
  /** Extra node flags for the gateway, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  /** Another build of the gateway (its dist/watchdog.js beside it); default dist/gateway.mjs. */
  readonly bundle?: string;
  /** Extra gateway settings, e.g. `{ scaling: 'builtin' }`. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What bench/gateway/run.ts gives each scenario for the gateways it starts. */
export interface ScenarioGatewayOptions {
  /** Node flags for the gateway process, e.g. --cpu-prof. */
  readonly gatewayNodeArgs: readonly string[];
  /** Registers the gateway so a deadline can still stop it. */
  readonly trackGateway: (gw: GatewayProc) => void;
}

/** A fresh temp root; the gateway's state dir is `<root>/state`. */
export function makeRoot(): string {
  return mkdtempSync(join(tmpdir(), 'faas-bench-gateway-'));
}

export async function startGateway(root: string, o: StartOptions = {}): Promise<GatewayProc> {
  const stateDir = join(root, 'state');
  const imageStore = join(root, 'images');
  const logFile = join(root, 'gateway.log');
  const port = await freePort();
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), o.bundle ?? GATEWAY], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: root,
      port: String(port),
      bind_address: '127.0.0.1',
      state_dir: stateDir,
      image_store: imageStore,
      admin_password: BENCH_PASSWORD,
      ...o.env,
    },
    stdio: ['ignore', 'ignore', fd],
  });
  closeSync(fd);
  const log = (): string => readFileSync(logFile, 'utf8');
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<StopReport> => {
    const began = performance.now();
    let exitedCleanly = child.exitCode !== null || child.signalCode !== null;
    if (!exitedCleanly) {
      child.kill('SIGTERM');
      exitedCleanly = await Promise.race([exited.then(() => true), timeout(STOP_TIMEOUT_MS)]).then(
        (v) => v === true,
      );
      if (!exitedCleanly) {
        child.kill('SIGKILL');
        await Promise.race([exited, timeout(5000)]);
      }
    }
    const stopMs = performance.now() - began;
    const stragglersKilled = await sweep(root);
    return { exitedCleanly, stopMs, stragglersKilled };
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!log().includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`gateway did not start (exit ${child.exitCode}):\n${log()}`);
    }
    await sleep(20);
  }
  return {
    child,
    pid: child.pid!,
    url,
    stateDir,
    imageStore,
    log,
    stop,
    system: (method, path, body) => rest(url, method, path, body),
  };
}

/** startGateway with a scenario's node flags, registered with its trackGateway. */
export async function startTrackedGateway(
  root: string,
  o: ScenarioGatewayOptions & { readonly bundle?: string },
): Promise<GatewayProc> {
  const gw = await startGateway(root, {
    nodeArgs: o.gatewayNodeArgs,
    ...(o.bundle === undefined ? {} : { bundle: o.bundle }),
  });
  o.trackGateway(gw);
  return gw;
}

async function rest(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(REST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

interface Status {
  name: string;
  availableReplicas: number;
}

/** Polls /system/functions until every one of `names` has a ready replica. */
export async function waitAvailable(
  gw: GatewayProc,
  names: readonly string[],
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const list = (await gw.system('GET', '/system/functions')) as Status[];
    const ready = new Set(list.filter((f) => f.availableReplicas > 0).map((f) => f.name));
    const missing = names.filter((n) => !ready.has(n));
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`${missing.length} function(s) not available within ${ms}ms: ${missing}`);
    }
    await sleep(100);
  }
}

/**
 * Every pid (not ours) whose environment or command line names `root`: the gateway
 * (state_dir), its replicas (TMPDIR) and whatever they started (inherited environment).
 */
export function processesUnder(root: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (environ.some((e) => e.includes(root)) || cmdline.includes(root)) {
        pids.push(pid);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** SIGKILLs whatever is still running under `root`, then removes it; returns those pids. */
export async function sweep(root: string): Promise<number[]> {
  const left = processesUnder(root);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  if (left.length > 0) await sleep(200);
  rmSync(root, { recursive: true, force: true });
  return left;
}

/** Pids of the gateway's direct children (its watchdog replicas). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const p = Number(entry);
    if (!Number.isInteger(p)) continue;
    try {
      const m = /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m && Number(m[1]) === pid) out.push(p);
    } catch {
      // gone
    }
  }
  return out;
}
