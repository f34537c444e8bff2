/**
 * The floor under prefork: a handler process already started and waiting, timed from the
 * moment its stdin is written to the moment it has exited and closed its pipes. No HTTP and
 * no watchdog; what is left is the handler's own work and its exit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
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
  const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdout!.resume();
  return child;
}

function timedRun(child: ChildProcess, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const begin = performance.now();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`handler did not finish in ${timeoutMs}ms`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - begin);
      else reject(new Error(`handler exited with ${code}`));
    });
    child.stdin!.end(body);
  });
}

/** Latencies in ms; the next process is started once the last has finished, like a pool of 1. */
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
