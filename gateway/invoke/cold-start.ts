/**
 * Scale from zero: a call for a function at 0 replicas is held while the gateway scales it to
 * max(1, min) and waits for a ready replica, bounded by the function's timeout. Concurrent calls
 * share one scale-up per function (one Scaler call, one log line); each then takes its own
 * replica round-robin.
 */
import { FaasError, isFaasError } from '../contract/errors.ts';
import type { FunctionState, Provider } from '../providers/provider.ts';
import { scaleSettings } from '../scaling/labels.ts';
import type { Scaler } from '../scaling/scaler.ts';
import { waitForReplica } from './wait.ts';

export interface ColdStartDeps {
  readonly scaler: Pick<Scaler, 'scale'>;
  readonly resolver: Pick<Provider, 'resolve'>;
}

type Fn = Pick<FunctionState, 'name' | 'namespace' | 'replicas' | 'labels'>;

export class ColdStarts {
  readonly #deps: ColdStartDeps;
  /** The scale-up (and wait for its first ready replica) in progress, by namespace/name. */
  readonly #pending = new Map<string, Promise<void>>();

  constructor(deps: ColdStartDeps) {
    this.#deps = deps;
  }

  /** Whether a scale from zero of `fn` is in progress (its replicas may already read 1). */
  underway(fn: Pick<Fn, 'name' | 'namespace'>): boolean {
    return this.#pending.has(`${fn.namespace}/${fn.name}`);
  }

  /** A ready replica of `fn` (at zero when looked up) and how long the call waited, in seconds. */
  async ready(fn: Fn, timeoutMs: number): Promise<{ target: URL; seconds: number }> {
    const start = performance.now();
    const key = `${fn.namespace}/${fn.name}`;
    let shared = this.#pending.get(key);
    if (!shared) {
      shared = this.#scaleUp(fn, timeoutMs).finally(() => this.#pending.delete(key));
      this.#pending.set(key, shared);
    }
    await shared;
    const left = Math.max(0, timeoutMs - (performance.now() - start));
    const target = await this.#replica(fn, left, timeoutMs);
    return { target, seconds: (performance.now() - start) / 1000 };
  }

  async #scaleUp(fn: Fn, timeoutMs: number): Promise<void> {
    const to = Math.max(1, scaleSettings(fn.labels).min);
    const reason = 'a call arrived while at zero';
    await this.#deps.scaler.scale(fn.name, fn.namespace, {
      from: fn.replicas,
      to,
      source: 'cold-start',
      reason,
    });
    await this.#replica({ ...fn, replicas: to }, timeoutMs, timeoutMs);
  }

  async #replica(fn: Fn, waitMs: number, timeoutMs: number): Promise<URL> {
    try {
      return await waitForReplica(this.#deps.resolver, { ...fn, replicas: 1 }, waitMs);
    } catch (err) {
      if (!isFaasError(err, 'NO_REPLICAS')) throw err;
      throw new FaasError(
        'NO_REPLICAS',
        `function ${fn.name} is scaling from zero but no replica was ready within ` +
          `${timeoutMs / 1000}s (its timeout)`,
        { cause: err },
      );
    }
  }
}
