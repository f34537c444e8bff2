/**
 * One buffered run of a handler process (fork and prefork): the body in on stdin, stdout and
 * (with combine_output) stderr collected, under exec_timeout. It ends when the process exits
 * or, in prefork, when the handler commits its response early: it wrote a head on fd 4 and
 * closed both fd 4 and stdout. Then the process may still be tearing down; its exit code is
 * only logged, and one that lingers is killed (docs/watchdog.md, "Early responses").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { marshalRequest, requestMeta } from '../request.ts';
import { exitErrorText } from '../process.ts';
import type { HandlerProcess } from '../process.ts';
import { lineLogger } from '../log.ts';
import type { RunnerDeps } from './runner.ts';

/** How long a handler may keep running after its early response before its group is killed. */
export const LINGER_MS = 3000;

export interface Result {
  readonly timedOut: boolean;
  /** Go's exec error text for a failed run; undefined on success and on an early response. */
  readonly error: string | undefined;
  readonly output: Buffer;
  readonly head: Buffer;
}

const EARLY = Symbol('early');

/** Resolves once `stream` has reached EOF (never, if it is destroyed first). */
const ended = (stream: Readable): Promise<void> =>
  stream.readableEnded ? Promise.resolve() : new Promise((r) => stream.once('end', () => r()));

export async function execute(
  deps: RunnerDeps,
  proc: HandlerProcess,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
): Promise<Result> {
  const { config } = deps;
  const started = performance.now();
  const io = connect(deps, proc, req, body);
  let timedOut = false;
  const timer =
    config.execTimeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          proc.kill('SIGKILL');
        }, config.execTimeoutMs)
      : undefined;
  const abandon = (): void => proc.kill('SIGKILL'); // the client went away
  res.once('close', abandon);
  const first = await Promise.race([proc.exited, headCommitted(proc, io.head)]);
  res.off('close', abandon);
  clearTimeout(timer);
  // A head is a commitment only from a handler that closed its fds itself: not one killed at
  // exec_timeout or because the client left.
  const committed = first === EARLY && !timedOut && !res.destroyed;
  if (committed) {
    io.commit();
    const left = config.execTimeoutMs - (performance.now() - started);
    settleLater(deps, proc, config.execTimeoutMs > 0 ? Math.min(LINGER_MS, left) : LINGER_MS);
  }
  const exit = first === EARLY ? (committed ? undefined : await proc.exited) : first;
  return {
    timedOut,
    error: exit === undefined ? undefined : exitErrorText(config.fprocess[0]!, exit),
    output: Buffer.concat(io.output),
    head: Buffer.concat(io.head),
  };
}

/** Feeds the request in and collects stdout, the head and (combine_output) stderr. */
function connect(deps: RunnerDeps, proc: HandlerProcess, req: IncomingMessage, body: Buffer) {
  const { config, logger } = deps;
  const output: Buffer[] = [];
  const head: Buffer[] = [];
  let committed = false;
  const { stdin, stdout, stderr, requestFd, responseFd } = proc;
  stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  const log = lineLogger(logger, 'stderr: ');
  stderr?.on('data', (chunk: Buffer) => {
    if (config.combineOutput && !committed) output.push(chunk);
    else log.write(chunk); // after an early response, stderr can only go to the log
  });
  stderr?.once('end', () => log.end());
  responseFd?.on('data', (chunk: Buffer) => head.push(chunk));
  requestFd?.end(requestMeta(req));
  stdin?.end(config.marshalRequest ? marshalRequest(body, req.rawHeaders) : body);
  return { output, head, commit: () => void (committed = true) };
}

/**
 * Resolves once stdout and fd 4 are both at EOF after a head was written; never otherwise.
 * Both EOFs come before the process's 'close', so a committed head always wins the race.
 */
function headCommitted(proc: HandlerProcess, head: readonly Buffer[]): Promise<typeof EARLY> {
  const never = new Promise<never>(() => undefined);
  const { stdout, responseFd } = proc;
  if (!stdout || !responseFd) return never;
  return Promise.all([ended(stdout), ended(responseFd)]).then(() =>
    head.length > 0 ? EARLY : never,
  );
}

/** After an early response: log a failed exit, kill the group if it lingers past `limitMs`. */
function settleLater(deps: RunnerDeps, proc: HandlerProcess, limitMs: number): void {
  const { config, logger } = deps;
  let killed = false;
  const linger = setTimeout(
    () => {
      killed = true;
      proc.kill('SIGKILL');
    },
    Math.max(0, limitMs),
  );
  void proc.exited.then((exit) => {
    clearTimeout(linger);
    if (killed) {
      logger.log(`Killed process: still running ${limitMs / 1000}s after its response`);
      return;
    }
    const error = exitErrorText(config.fprocess[0]!, exit);
    if (error !== undefined) logger.log(`Error: ${error} (after its response was sent)`);
  });
}
