/**
 * The floor under prefork: a handler process already started and waiting, given the same
 * prefork fds and environment as under the watchdog, timed from the moment its stdin is
 * written to the moment its response is complete: EOF on stdout and fd 4 (an early response,
 * docs/watchdog.md), or its exit for a handler that does not commit early. No HTTP and no
 * watchdog; what is left is the handler's own work.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { sleep } from './processes.ts';

export interface PrestartedOptions {
  readonly argv: readonly string[];
  readonly body: string;
  readonly warmup: number;
  readonly count: number;
  readonly intervalMs: number;
  readonly timeoutMs?: number;
}

function start(argv: readonly string[]): ChildProcess {
  const [cmd, ...args] = argv;
  const child = spawn(cmd!, args, {
    stdio: ['pipe', 'pipe', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, FAAS_REQUEST_FD: '3', FAAS_RESPONSE_FD: '4' },
  });
  child.stdout!.resume();
  (child.stdio[4] as Readable).resume();
  for (const s of child.stdio) s?.on('error', () => undefined);
  return child;
}

const ended = (s: Readable): Promise<void> => new Promise((r) => s.once('end', () => r()));

function timedRun(child: ChildProcess, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const begin = performance.now();
    let answeredMs: number | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`handler did not finish in ${timeoutMs}ms`));
    }, timeoutMs);
    void Promise.all([ended(child.stdout!), ended(child.stdio[4] as Readable)]).then(() => {
      answeredMs = performance.now() - begin;
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(answeredMs ?? performance.now() - begin);
      else reject(new Error(`handler exited with ${code}`));
    });
    (child.stdio[3] as Writable).end('{"method":"POST","path":"/","query":"","headers":{}}\n');
    child.stdin!.end(body);
  });
}

/** Latencies in ms; the next process is started once the last has exited, like a pool of 1. */
export async function prestartedLatencies(o: PrestartedOptions): Promise<number[]> {
  const samples: number[] = [];
  let next = start(o.argv);
  try {
    for (let i = 0; i < o.warmup + o.count; i++) {
      await sleep(o.intervalMs); // the waiting process has long finished starting
      const ms = await timedRun(next, o.body, o.timeoutMs ?? 10_000);
      if (i >= o.warmup) samples.push(ms);
      next = start(o.argv);
    }
  } finally {
    next.kill('SIGKILL');
  }
  return samples;
}
