/**
 * One deployed function's replicas: scaling, rolling replacement on update, round-robin over
 * the ready ones, and the function's log buffer. It does no persistence; the provider does.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine, ValidDeployment } from '../../contract/types.ts';
import { LogBuffer } from './log-buffer.ts';
import { Replica } from './replica.ts';
import type { Launch, ReplicaTiming } from './replica.ts';
import type { StoredFunction } from './state-file.ts';

export interface LocalFunctionOptions {
  /** Private run directory: `secrets/` and `replicas/<id>/`. */
  readonly dir: string;
  readonly timing: ReplicaTiming;
  readonly logCapacity: number;
  readonly now: () => Date;
  /** How long an update waits for new replicas to be ready before stopping the old ones. */
  readonly rolloutTimeoutMs: number;
}

export class LocalFunction {
  deployment: ValidDeployment;
  readonly createdAt: string;
  readonly logs: LogBuffer;
  /** The env of the image the replicas run; read once per deploy, update and start. */
  imageEnv: Readonly<Record<string, string>> = {};
  /** Undefined when the function cannot be started (its image left the store). */
  #launch: Launch | undefined;
  #desired: number;
  #replicas: Replica[] = [];
  readonly #retiring = new Set<Replica>();
  readonly #stopping = new Set<Promise<void>>();
  #next = 0;
  #stopped = false;

  constructor(
    record: StoredFunction,
    readonly options: LocalFunctionOptions,
  ) {
    this.deployment = record.deployment;
    this.createdAt = record.createdAt;
    this.#desired = record.replicas;
    this.logs = new LogBuffer(options.logCapacity);
  }

  get secretsDir(): string {
    return join(this.options.dir, 'secrets');
  }

  get desired(): number {
    return this.#desired;
  }

  get available(): number {
    return this.#replicas.filter((r) => r.ready).length;
  }

  get replicas(): readonly Replica[] {
    return this.#replicas;
  }

  record(): StoredFunction {
    return { deployment: this.deployment, replicas: this.#desired, createdAt: this.createdAt };
  }

  /** Starts or stops replicas so `n` run (none while the function cannot be launched). */
  scaleTo(n: number): void {
    this.#desired = n;
    if (!this.#launch || this.#stopped) return;
    while (this.#replicas.length < n) this.#replicas.push(this.#startReplica(this.#launch));
    if (this.#replicas.length > n) {
      // Not-ready replicas go first, then the newest.
      const order = [...this.#replicas].reverse().sort((a, b) => Number(a.ready) - Number(b.ready));
      const victims = new Set(order.slice(0, this.#replicas.length - n));
      this.#replicas = this.#replicas.filter((r) => !victims.has(r));
      for (const r of victims) this.#stopInBackground(r);
    }
  }

  /**
   * Replaces every replica with `n` started from `launch`. The old ones keep serving (see
   * next()) until all new ones are ready or rolloutTimeoutMs passes, then drain.
   */
  rollout(launch: Launch, n: number): void {
    this.#launch = launch;
    const old = this.#replicas;
    this.#replicas = [];
    this.scaleTo(n);
    if (old.length === 0) return;
    for (const r of old) this.#retiring.add(r);
    void this.#retireWhenReady(old);
  }

  /** A ready replica, round-robin; an old one during a rollout if no new one is ready yet. */
  next(): Replica | undefined {
    let ready = this.#replicas.filter((r) => r.ready);
    if (ready.length === 0) ready = [...this.#retiring].filter((r) => r.ready);
    if (ready.length === 0) return undefined;
    this.#next = (this.#next + 1) % ready.length;
    return ready[this.#next];
  }

  /** Stops every replica (SIGTERM, then SIGKILL after the grace) and removes the run directory. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const r of [...this.#replicas, ...this.#retiring]) this.#stopInBackground(r);
    this.#replicas = [];
    this.#retiring.clear();
    while (this.#stopping.size > 0) await Promise.all(this.#stopping);
    await rm(this.options.dir, { recursive: true, force: true });
  }

  #startReplica(launch: Launch): Replica {
    const id = `${this.deployment.service}-${randomBytes(4).toString('hex')}`;
    const replica = new Replica({
      id,
      dir: join(this.options.dir, 'replicas', id),
      launch,
      timing: this.options.timing,
      onLog: (instance, text) => this.logs.push(this.#line(instance, text)),
    });
    replica.start();
    return replica;
  }

  #line(instance: string, text: string): LogLine {
    const { service: name, namespace } = this.deployment;
    return { name, namespace, instance, timestamp: this.options.now().toISOString(), text };
  }

  #stopInBackground(r: Replica): void {
    const done: Promise<void> = r
      .stop()
      .catch(() => undefined)
      .finally(() => this.#stopping.delete(done));
    this.#stopping.add(done);
  }

  async #retireWhenReady(old: readonly Replica[]): Promise<void> {
    const deadline = performance.now() + this.options.rolloutTimeoutMs;
    while (!this.#stopped && performance.now() < deadline && this.available < this.#desired) {
      await sleep(50);
    }
    for (const r of old) {
      if (!this.#retiring.delete(r)) continue; // already stopped by stop()
      this.#stopInBackground(r);
    }
  }
}
