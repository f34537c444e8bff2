/**
 * Child processes under benchmark: the bundled watchdog and the fixture servers. Each writes
 * its stderr to a file in its own temp dir (a file never pushes back on the writer, a pipe
 * that the busy load generator drains late would), and is found ready by polling that file.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BUNDLE = resolve('dist/watchdog.js');
export const FIXTURES = resolve('bench/fixtures');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  /** http://127.0.0.1:N from the `Listening on port: N` line. */
  readonly url: string;
  /** stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `node <args>` with `env` (plus PATH and a private TMPDIR) until it logs its port. */
export async function startNode(
  args: readonly string[],
  env: Record<string, string>,
): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), 'faas-bench-'));
  const logFile = join(dir, 'stderr.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, TMPDIR: dir, ...env },
    stdio: ['ignore', 'ignore', fd],
  });
  closeSync(fd);
  const log = (): string => readFileSync(logFile, 'utf8');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    // SIGTERM first: a watchdog stops its own children then (http mode's upstream is in a
    // process group of its own and would outlive a SIGKILLed watchdog).
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      child.kill(signal);
      await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const port = await waitForPort(child, log).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { child, pid: child.pid!, url: `http://127.0.0.1:${port}`, log, stop };
}

async function waitForPort(child: ChildProcess, log: () => string): Promise<number> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const m = /Listening on port: (\d+)/.exec(log());
    if (m) return Number(m[1]);
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`process did not start (exit ${child.exitCode}):\n${log()}`);
    }
    await sleep(20);
  }
}

/** The bundled watchdog on random ports; `env` adds to / overrides the defaults. */
export function startWatchdog(env: Record<string, string>): Promise<Proc> {
  // healthcheck_interval 0: on SIGTERM, stop without first serving as unhealthy for 30 s.
  return startNode([BUNDLE], { port: '0', metrics_port: '0', healthcheck_interval: '0', ...env });
}

/** A fixture script from bench/fixtures. */
export function startFixture(name: string, env: Record<string, string> = {}): Promise<Proc> {
  return startNode([join(FIXTURES, name)], env);
}

/** A port that was free a moment ago (for http mode's upstream_url, which needs one up front). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

/** Polls `url` until it answers 2xx or the deadline passes. */
export async function waitUntilOk(url: string, ms = START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${ms}ms`);
    await sleep(50);
  }
}
