/**
 * Every replica change made by scaling (alerts, the built-in autoscaler, scale from zero) goes
 * through here: one provider call, one log line with the reason, the invoke cache told, and the
 * time and source kept so one mechanism does not undo another's change inside its window.
 */
import type { Logger } from '../log.ts';
import type { FunctionCache } from '../invoke/function-cache.ts';
import type { Provider } from '../providers/provider.ts';

export type ScaleSource = 'alert' | 'autoscaler' | 'idle' | 'cold-start' | 'api';

export interface ScaleChange {
  readonly at: number;
  readonly source: ScaleSource;
  readonly from: number;
  readonly to: number;
}

export interface ScalerDeps {
  readonly provider: Pick<Provider, 'scale'>;
  readonly functions: Pick<FunctionCache, 'invalidate'>;
  readonly logger: Logger;
  readonly now?: () => number;
}

export class Scaler {
  readonly #deps: ScalerDeps;
  readonly #last = new Map<string, ScaleChange>();
  readonly #now: () => number;

  constructor(deps: ScalerDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Sets replicas `from` → `to` for `reason`; a no-op (from == to) is neither applied nor logged. */
  async scale(
    name: string,
    namespace: string,
    change: { from: number; to: number; source: ScaleSource; reason: string },
  ): Promise<void> {
    if (change.from === change.to) return;
    await this.#deps.provider.scale(name, namespace, change.to);
    this.#deps.functions.invalidate(name, namespace);
    const { from, to, source } = change;
    this.#last.set(`${namespace}/${name}`, { at: this.#now(), source, from, to });
    this.#deps.logger.info(`scale ${name}: ${from} → ${to} (${source}: ${change.reason})`);
  }

  /** The last change scaling made to this function, if any since the gateway started. */
  lastChange(name: string, namespace: string): ScaleChange | undefined {
    return this.#last.get(`${namespace}/${name}`);
  }

  /** A removed function's history must not steer one deployed again under its name. */
  forget(name: string, namespace: string): void {
    this.#last.delete(`${namespace}/${name}`);
  }
}
