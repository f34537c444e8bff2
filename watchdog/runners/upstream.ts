/**
 * http mode's long-lived handler process: started once, watched, restarted with back-off when
 * it exits, and reported ready only while its port accepts connections.
 */
import { connect } from 'node:net';
import type { HandlerProcess, ProcessGroups } from '../process.ts';
import { lineLogger } from '../log.ts';
import type { Logger } from '../log.ts';

const PROBE_MS = 100;
const MAX_BACKOFF_MS = 5000;
const STOP_GRACE_MS = 5000;

export class Upstream {
  private proc: HandlerProcess | undefined;
  private up = false;
  private failures = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly argv: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly url: URL,
    private readonly logger: Logger,
    private readonly groups: ProcessGroups,
  ) {}

  get ready(): boolean {
    return this.up;
  }

  start(): void {
    if (this.stopped) return;
    const proc = this.groups.spawn(this.argv, this.env, ['ignore', 'pipe', 'pipe']);
    this.proc = proc;
    const out = lineLogger(this.logger, '');
    const err = lineLogger(this.logger, 'stderr: ');
    proc.stdout?.on('data', (c: Buffer) => out.write(c));
    proc.stderr?.on('data', (c: Buffer) => err.write(c));
    void proc.exited.then((exit) => {
      out.end();
      err.end();
      this.up = false;
      if (this.stopped) return;
      this.failures++;
      const delay = Math.min(100 * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
      const why = exit.spawnError?.message ?? `exit ${exit.code ?? exit.signal}`;
      this.logger.log(`Upstream process stopped (${why}); restarting in ${delay}ms`);
      this.timer = setTimeout(() => this.start(), delay);
    });
    this.probe(proc);
  }

  /** Polls the upstream's port until it accepts a connection, while this process lives. */
  private probe(proc: HandlerProcess): void {
    if (this.stopped || this.proc !== proc || proc.child.exitCode !== null) return;
    const socket = connect(Number(this.url.port || 80), this.url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      if (this.proc !== proc || this.stopped) return;
      this.up = true;
      this.failures = 0;
      this.logger.log(`Upstream ready at ${this.url.origin}`);
    });
    socket.once('error', () => {
      socket.destroy();
      this.timer = setTimeout(() => this.probe(proc), PROBE_MS);
    });
  }

  /** SIGTERM to the process group, SIGKILL after a grace period. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.up = false;
    clearTimeout(this.timer);
    const proc = this.proc;
    if (!proc || proc.child.exitCode !== null) return;
    proc.kill('SIGTERM');
    const kill = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
    await proc.exited;
    clearTimeout(kill);
  }
}
