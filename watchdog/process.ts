/**
 * Handler processes: each runs in its own process group so a timeout or a finished request
 * can kill everything it started (no orphans), and its exit is reported in Go's words,
 * which is what OpenFaaS clients see in a 500 body.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started (e.g. the executable does not exist). */
  readonly spawnError?: NodeJS.ErrnoException;
}

export interface HandlerProcess {
  readonly child: ChildProcess;
  /** The pipes of fds 0-4 ('pipe' in stdio); null where stdio said otherwise. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** fd 3: request metadata for the handler to read. */
  readonly requestFd: Writable | null;
  /** fd 4: an optional response head the handler writes. */
  readonly responseFd: Readable | null;
  /** Resolves once the process has exited and all its output has been read. */
  readonly exited: Promise<Exit>;
  /** Signals the whole process group; safe to call after it has gone. */
  kill(signal?: NodeJS.Signals): void;
}

export function spawnHandler(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  stdio: StdioOptions,
): HandlerProcess {
  const [cmd, ...args] = argv;
  // detached: the child leads a new process group (setsid), so -pid reaches all it forks.
  const child = spawn(cmd!, args, { env, stdio, detached: true });
  const kill = (signal: NodeJS.Signals = 'SIGKILL'): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is already gone
    }
  };
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: err });
    });
    // Whatever the leader left running in its group dies with it, so pipes close.
    child.once('exit', () => kill('SIGKILL'));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  for (const s of child.stdio) s?.on('error', () => undefined); // EPIPE when a handler ignores stdin
  // Separate fds, not one socket both ways: a write error (EPIPE when the handler ignores its
  // request fd) destroys a socket, and the response head must survive that.
  const { stdin, stdout, stderr } = child;
  const requestFd = (child.stdio[3] as Writable | null | undefined) ?? null;
  const responseFd = (child.stdio[4] as Readable | null | undefined) ?? null;
  return { child, exited, kill, stdin, stdout, stderr, requestFd, responseFd };
}

const SIGNAL_TEXT: Readonly<Record<string, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
  SIGPIPE: 'broken pipe',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGHUP: 'hangup',
};

/** Go's os/exec error text for a failed run, or undefined when the process succeeded. */
export function exitErrorText(cmd: string, exit: Exit): string | undefined {
  if (exit.spawnError) {
    const e = exit.spawnError;
    if (e.code === 'ENOENT') return `exec: "${cmd}": executable file not found in $PATH`;
    if (e.code === 'EACCES') return `exec: "${cmd}": permission denied`;
    return `exec: "${cmd}": ${e.message}`;
  }
  if (exit.signal) return `signal: ${SIGNAL_TEXT[exit.signal] ?? exit.signal}`;
  if (exit.code !== 0) return `exit status ${exit.code ?? -1}`;
  return undefined;
}

/**
 * The handler process groups a watchdog has started and that have not exited yet. Each leads
 * its own group, so nothing kills them with the watchdog: main.ts kills them all on its way
 * out ('exit' covers process.exit and uncaught exceptions; after a SIGKILL of the watchdog it
 * is up to the container runtime, which stops the whole container).
 */
export class ProcessGroups {
  private readonly live = new Set<HandlerProcess>();

  /** spawnHandler, remembered until the process has exited. */
  spawn(argv: readonly string[], env: NodeJS.ProcessEnv, stdio: StdioOptions): HandlerProcess {
    const proc = spawnHandler(argv, env, stdio);
    this.live.add(proc);
    void proc.exited.then(() => this.live.delete(proc));
    return proc;
  }

  /** SIGKILLs every live group; synchronous, so it can run in a process 'exit' handler. */
  killAll(): void {
    for (const proc of this.live) proc.kill('SIGKILL');
  }
}
