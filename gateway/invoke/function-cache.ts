/**
 * A short-lived cache of function lookups on the invoke path, so a burst of calls costs one
 * provider query per function per TTL (OpenFaaS keeps 250 ms for the same reason).
 */
import type { FunctionState, Provider } from '../providers/provider.ts';

interface Entry {
  readonly at: number;
  readonly value: Promise<FunctionState>;
}

export class FunctionCache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly provider: Pick<Provider, 'get'>,
    private readonly ttlMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  get(name: string, namespace: string): Promise<FunctionState> {
    const key = `${namespace}/${name}`;
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.provider.get(name, namespace);
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => this.entries.delete(key)); // failures are not cached
    return value;
  }

  /** After deploy, update, scale or delete: the next call sees the change. */
  invalidate(name: string, namespace: string): void {
    this.entries.delete(`${namespace}/${name}`);
  }
}
