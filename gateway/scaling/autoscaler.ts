/**
 * The built-in autoscaler's loop: every interval, sample each function's load from the gateway's
 * own counters, ask the pure policies (autoscale-policy.ts) and apply their answers through the
 * Scaler (source `autoscaler` or `idle`). One tick at a time; a failing tick is logged, never
 * thrown. Scale to zero runs whatever the scaling mode; load-driven scaling only when `builtin`.
 */
import type { Logger } from '../log.ts';
import type { FunctionState, Provider } from '../providers/provider.ts';
import { RATE_WINDOW_MS, decide, idle } from './autoscale-policy.ts';
import type { Decision } from './autoscale-policy.ts';
import { scaleSettings } from './labels.ts';
import type { LoadSample, LoadSignals } from './load-signals.ts';
import type { Scaler, ScaleSource } from './scaler.ts';

export interface AutoscalerDeps {
  readonly provider: Pick<Provider, 'list' | 'capabilities'>;
  readonly scaler: Pick<Scaler, 'scale' | 'lastChange'>;
  readonly signals: Pick<LoadSignals, 'sample'>;
  readonly logger: Logger;
  readonly namespace: string;
  readonly maxReplicas: number;
  readonly intervalMs: number;
  readonly windowMs: number;
  /** false (scaling=alert): only scale to zero runs. */
  readonly builtin: boolean;
  readonly now?: () => number;
}

interface Watched {
  /** When the autoscaler first saw the function: idle time counts from here at the earliest. */
  readonly since: number;
  history: LoadSample[];
}

export class Autoscaler {
  readonly #deps: AutoscalerDeps;
  readonly #now: () => number;
  readonly #watched = new Map<string, Watched>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(deps: AutoscalerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.#deps.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass over every function; a call while one runs joins it instead of overlapping. */
  tick(): Promise<void> {
    this.#running ??= this.#pass()
      .catch((err: unknown) => this.#deps.logger.error('autoscaler tick failed', err))
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #pass(): Promise<void> {
    const fns = await this.#deps.provider.list(this.#deps.namespace);
    const seen = new Set(fns.map((f) => f.name));
    for (const name of this.#watched.keys()) if (!seen.has(name)) this.#watched.delete(name);
    for (const fn of fns) {
      try {
        await this.#one(fn);
      } catch (err) {
        this.#deps.logger.error(`autoscaler: ${fn.name}`, err);
      }
    }
  }

  async #one(fn: FunctionState): Promise<void> {
    const deps = this.#deps;
    const now = this.#now();
    const sample = { ...deps.signals.sample(fn.name), at: now };
    const w = this.#watch(fn.name, now);
    const keepFrom = now - deps.windowMs - RATE_WINDOW_MS - deps.intervalMs;
    w.history = [...w.history.filter((s) => s.at >= keepFrom), sample];
    const settings = scaleSettings(fn.labels, deps.maxReplicas);
    const canZero = deps.provider.capabilities.scaleToZero;
    const toZero = idle(sample, settings, fn.replicas, w.since, canZero);
    if (toZero) return this.#apply(fn, toZero, 'idle');
    if (!deps.builtin) return;
    const last = deps.scaler.lastChange(fn.name, fn.namespace);
    const move = decide(w.history, now, settings, fn.replicas, last, deps.windowMs);
    if (move) await this.#apply(fn, move, 'autoscaler');
  }

  #watch(name: string, now: number): Watched {
    let w = this.#watched.get(name);
    if (!w) {
      w = { since: now, history: [] };
      this.#watched.set(name, w);
    }
    return w;
  }

  #apply(fn: FunctionState, d: Decision, source: ScaleSource): Promise<void> {
    const change = { from: fn.replicas, to: d.replicas, source, reason: d.reason };
    return this.#deps.scaler.scale(fn.name, fn.namespace, change);
  }
}
