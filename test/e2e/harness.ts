/** Runs the built gateway (dist/gateway.mjs) in a temp folder, as a user would. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { eventually, isRunning } from '../watchdog/harness.ts';

export const GATEWAY = resolve('dist/gateway.mjs');
export const ADMIN = { user: 'admin', password: 'e2e-password' } as const;

/**
 * What every child process gets from the test's own environment: PATH, and DOCKER_HOST when set,
 * so a run pointed away from the machine's dockerd (DOCKER_HOST=unix:///nonexistent.sock) keeps
 * the CLI's builds out of it too.
 */
export const BASE_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  (['PATH', 'DOCKER_HOST'] as const).flatMap((k) => {
    const v = process.env[k];
    return v === undefined ? [] : [[k, v]];
  }),
);

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

export function workDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'faas-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function startGateway(
  t: TestContext,
  dir: string,
  port: number,
  env: Readonly<Record<string, string>> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [GATEWAY], {
    cwd: dir,
    env: { ...BASE_ENV, port: String(port), admin_password: ADMIN.password, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  // Stopped as a user would, so its replicas stop with it (a SIGKILL would orphan them).
  t.after(() => stopGateway(child));
  await eventually(() => {
    if (child.exitCode !== null) throw new Error(`gateway exited:\n${log}`);
    return log.includes('listening on');
  }, 15_000);
  return child;
}

/**
 * SIGTERM, then SIGKILL if the gateway has not exited within graceMs; resolves with how it
 * exited (at once if it already had).
 */
export async function stopGateway(
  child: ChildProcess,
  graceMs = 15_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(kill);
  }
  return { code: child.exitCode, signal: child.signalCode };
}

/** Live watchdog processes whose working directory is in `dir`'s state folder: its replicas. */
export function replicaPids(dir: string): number[] {
  const state = `${join(realpathSync(dir), '.faas')}/`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cwd.startsWith(state) && cmdline.includes('watchdog') && isRunning(pid);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    });
}
