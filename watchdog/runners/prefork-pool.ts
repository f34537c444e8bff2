/**
 * Handler processes started before their request arrives, so interpreter start-up is off the
 * request path. Each is still used for exactly one request. One that dies while waiting is
 * replaced, with back-off when they keep dying (a broken handler must not spin the CPU).
 * A taken process is replaced once it has exited, not when it is taken: a process starting up
 * would compete for the CPU with the one serving the request.
 */
import type { HandlerProcess } from '../process.ts';
import type { Logger } from '../log.ts';

const MAX_BACKOFF_MS = 5000;

export class PreforkPool {
  private readonly idle: HandlerProcess[] = [];
  private failures = 0;
  private refillTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly spawn: () => HandlerProcess,
    private readonly options: { size: number; logger: Logger },
  ) {
    this.refill();
  }

  /** A waiting process, or a fresh one when the pool is empty; the refill starts at its exit. */
  take(): HandlerProcess {
    const waiting = this.idle.shift();
    if (waiting) return waiting; // add() refills when it exits
    const fresh = this.spawn();
    void fresh.exited.then(() => this.scheduleRefill());
    return fresh;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refillTimer);
    const procs = this.idle.splice(0);
    for (const p of procs) p.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
  }

  private refill(): void {
    this.refillTimer = undefined;
    while (!this.closed && this.idle.length < this.options.size) this.add();
  }

  private scheduleRefill(): void {
    if (this.closed || this.refillTimer) return;
    const delay =
      this.failures === 0 ? 0 : Math.min(100 * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
    this.refillTimer = setTimeout(() => this.refill(), delay);
  }

  private add(): void {
    const proc = this.spawn();
    this.idle.push(proc);
    void proc.exited.then((exit) => {
      const i = this.idle.indexOf(proc);
      if (i === -1) {
        this.failures = 0; // it was taken and served its request
        this.scheduleRefill();
        return;
      }
      this.idle.splice(i, 1);
      this.failures++;
      const why = exit.spawnError?.message ?? `exit ${exit.code ?? exit.signal}`;
      this.options.logger.log(`Prefork: a waiting process died before use (${why}); replacing it`);
      this.scheduleRefill();
    });
  }
}
