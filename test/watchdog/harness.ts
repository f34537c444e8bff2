/**
 * Runs real watchdogs for tests: in-process (createWatchdog on port 0, logs captured) or as
 * the bundled `dist/watchdog.js` child process (signals, exit codes, the standalone bundle).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { readConfig } from '../../watchdog/config.ts';
import type { WatchdogConfig } from '../../watchdog/config.ts';
import { createLogger } from '../../watchdog/log.ts';
import { ProcessGroups } from '../../watchdog/process.ts';
import { WatchdogMetrics } from '../../watchdog/metrics.ts';
import { createRunner } from '../../watchdog/runners/index.ts';
import type { Runner, RunnerDeps } from '../../watchdog/runners/runner.ts';
import { createWatchdog } from '../../watchdog/server.ts';
import type { Watchdog } from '../../watchdog/server.ts';

export const BUNDLE = resolve('dist/watchdog.js');

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'faas-wd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes an executable script and returns its path. */
export function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  chmodSync(path, 0o755);
  return path;
}

export interface Running {
  readonly url: string;
  readonly metricsUrl: string;
  readonly config: WatchdogConfig;
  readonly watchdog: Watchdog;
  readonly lockFile: string;
  /** Every log line so far. */
  readonly logs: string[];
}

/** An in-process watchdog with real handler processes (or `makeRunner`'s), stopped after the test. */
export async function startWatchdog(
  t: TestContext,
  env: Record<string, string>,
  baseEnv: NodeJS.ProcessEnv = process.env,
  makeRunner: (deps: RunnerDeps) => Runner = createRunner,
): Promise<Running> {
  const config = readConfig({ port: '0', metrics_port: '0', ...env });
  const logs: string[] = [];
  const logger = createLogger((s) => logs.push(s.trimEnd()), config.prefixLogs);
  const lockFile = join(tempDir(t), '.lock');
  writeFileSync(lockFile, '');
  const groups = new ProcessGroups();
  const runner = makeRunner({ config, logger, baseEnv, groups });
  const metrics = new WatchdogMetrics();
  const watchdog = createWatchdog({
    config,
    logger,
    runner,
    metrics,
    lockFile: config.suppressLock ? undefined : lockFile,
  });
  await new Promise<void>((r) => watchdog.server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => watchdog.metricsServer.listen(0, '127.0.0.1', r));
  t.after(async () => {
    watchdog.server.closeAllConnections();
    watchdog.server.close();
    watchdog.metricsServer.close();
    await runner.close();
    groups.killAll(); // what main.ts does at exit: no handler outlives its test
  });
  const port = (watchdog.server.address() as AddressInfo).port;
  const metricsPort = (watchdog.metricsServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    config,
    watchdog,
    lockFile,
    logs,
  };
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly url: string;
  readonly metricsUrl: string;
  /** stderr so far. */
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `node dist/watchdog.js` with the given env; resolves once it is listening. */
export async function spawnWatchdog(
  t: TestContext,
  env: Record<string, string>,
  bundle = BUNDLE,
): Promise<Spawned> {
  const child = spawn(process.execPath, [bundle], {
    env: { PATH: process.env.PATH, TMPDIR: tempDir(t), port: '0', metrics_port: '0', ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(() => {
    child.kill('SIGKILL');
  });
  const deadline = Date.now() + 10_000;
  while (!/Listening on port: \d+/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`watchdog did not start:\n${out}`);
    }
    await sleep(20);
  }
  const port = /Listening on port: (\d+)/.exec(out)![1];
  const metricsPort = /Metrics listening on port: (\d+)/.exec(out)![1];
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    output: () => out,
    exited,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or the deadline passes. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms}ms`);
    await sleep(20);
  }
}

/** Whether a process is still running (a zombie awaiting its reaper counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}
