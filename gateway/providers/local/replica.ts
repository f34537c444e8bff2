/**
 * One supervised replica: a `node dist/watchdog.js` process on a free loopback port (port=0,
 * the port read from its `Listening on port: N` log line). Its health is polled on
 * `/_/health`; an unexpected exit restarts it after an exponential back-off; stop() sends
 * SIGTERM so the watchdog drains, and SIGKILL after a grace period.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface ReplicaTiming {
  /** Health poll period once healthy; until then polls start at 25 ms and back off to this. */
  readonly healthIntervalMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** A run at least this long resets the back-off. */
  readonly stableAfterMs: number;
  /** SIGTERM → SIGKILL. */
  readonly stopGraceMs: number;
}

export const DEFAULT_TIMING: ReplicaTiming = Object.freeze({
  healthIntervalMs: 1000,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
  stableAfterMs: 10_000,
  stopGraceMs: 35_000,
});

/** How to start a replica's process: built by launch.ts. */
export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface ReplicaOptions {
  readonly id: string;
  /** Private to this replica: TMPDIR is `<dir>/tmp`, the watchdog's pid goes to `<dir>/pid`. */
  readonly dir: string;
  readonly launch: Launch;
  readonly timing: ReplicaTiming;
  /** Every line the watchdog writes (Go-log prefix removed), plus supervisor notices. */
  readonly onLog: (instance: string, text: string) => void;
}

const GO_LOG_PREFIX = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /;
const METRICS_LINE = /^Metrics listening on port: \d+$/;
const LISTEN_LINE = /^Listening on port: (\d+)$/;
const FIRST_POLL_MS = 25;

type State = 'running' | 'waiting' | 'stopping' | 'stopped';

export class Replica {
  #state: State = 'stopped';
  #child: ChildProcess | undefined;
  #exit: Promise<void> = Promise.resolve();
  #url: string | undefined;
  #healthy = false;
  #failures = 0;
  #restarts = 0;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly options: ReplicaOptions) {}

  get id(): string {
    return this.options.id;
  }

  /** Listening, answering 200 on /_/health, and not being stopped. */
  get ready(): boolean {
    return this.#state === 'running' && this.#healthy && this.#url !== undefined;
  }

  get url(): string | undefined {
    return this.#url;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get restarts(): number {
    return this.#restarts;
  }

  start(): void {
    if (this.#state !== 'stopped') return;
    this.#state = 'running';
    this.#spawn();
  }

  /** SIGTERM, wait for the watchdog to drain and exit, SIGKILL after the grace period. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    const wasStopping = this.#state === 'stopping';
    this.#state = 'stopping';
    this.#healthy = false;
    clearTimeout(this.#timer);
    const child = this.#child;
    if (child && !wasStopping) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), this.options.timing.stopGraceMs);
      await this.#exit;
      clearTimeout(kill);
    }
    await this.#exit;
    this.#state = 'stopped';
    rmSync(this.options.dir, { recursive: true, force: true });
  }

  #spawn(): void {
    const { dir, launch, id } = this.options;
    const tmp = join(dir, 'tmp');
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    this.#url = undefined;
    this.#healthy = false;
    this.#startedAt = performance.now();
    const child = spawn(launch.command, [...launch.args], {
      cwd: launch.cwd,
      env: { ...launch.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#exit = new Promise((resolve) => {
      let done = false;
      const exited = (why: string): void => {
        if (done) return;
        done = true;
        this.#onExit(child, why);
        resolve();
      };
      child.once('exit', (code, signal) => exited(signal ? `signal ${signal}` : `code ${code}`));
      child.once('error', (err) => exited(`error: ${err.message}`));
    });
    if (child.pid !== undefined) writeFileSync(join(dir, 'pid'), `${child.pid}\n`);
    this.#readLines(child.stdout, false);
    this.#readLines(child.stderr, true);
    this.options.onLog(id, `[faas] replica started (pid ${child.pid ?? '?'})`);
    this.#poll(child, FIRST_POLL_MS);
  }

  /** stderr carries the watchdog's log, and the port in two consecutive lines. */
  #readLines(stream: Readable | null, watchdogLog: boolean): void {
    if (!stream) return;
    let afterMetrics = false;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (raw: string) => {
      const text = raw.replace(GO_LOG_PREFIX, '');
      const port = watchdogLog && afterMetrics ? LISTEN_LINE.exec(text)?.[1] : undefined;
      if (port !== undefined && this.#url === undefined) this.#url = `http://127.0.0.1:${port}`;
      afterMetrics = METRICS_LINE.test(text);
      this.options.onLog(this.options.id, text);
    });
  }

  #poll(child: ChildProcess, delayMs: number): void {
    this.#timer = setTimeout(() => {
      const url = this.#url;
      const probe = url === undefined ? Promise.resolve(false) : healthy(`${url}/_/health`);
      void probe.then((ok) => {
        if (this.#child !== child || this.#state !== 'running') return;
        this.#healthy = ok;
        const { healthIntervalMs } = this.options.timing;
        this.#poll(child, ok ? healthIntervalMs : Math.min(delayMs * 2, healthIntervalMs));
      });
    }, delayMs);
  }

  #onExit(child: ChildProcess, why: string): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.#backoff(why);
  }

  /** Restarts after a growing delay while the replica is meant to run. */
  #backoff(why: string): void {
    this.#url = undefined;
    this.#healthy = false;
    clearTimeout(this.#timer);
    if (this.#state !== 'running') return;
    const { backoffInitialMs, backoffMaxMs, stableAfterMs } = this.options.timing;
    if (performance.now() - this.#startedAt >= stableAfterMs) this.#failures = 0;
    const delay = Math.min(backoffInitialMs * 2 ** this.#failures, backoffMaxMs);
    this.#failures++;
    this.options.onLog(this.id, `[faas] replica exited (${why}); restarting in ${delay}ms`);
    this.#state = 'waiting';
    this.#timer = setTimeout(() => {
      if (this.#state !== 'waiting') return;
      this.#state = 'running';
      this.#restarts++;
      try {
        this.#spawn();
      } catch (err) {
        // A throw here would be uncaught and take the gateway down; count it as another exit.
        this.#backoff(`could not start: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, delay);
  }
}

/** GET with a fresh connection (no pooled socket the watchdog may have closed); 200 = healthy. */
function healthy(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
