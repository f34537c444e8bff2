/**
 * A short-lived cache of function lookups on the invoke path, so a burst of calls costs one
 * provider query per function per TTL (OpenFaaS keeps 250 ms for the same reason). Past the TTL
 * and up to `staleMs`, a call gets the last answer while one refresh runs behind it: on Swarm a
 * lookup is two engine round trips, which would otherwise stall a call every TTL.
 */
import type { FunctionState, Provider } from '../providers/provider.ts';

interface Entry {
  /** When the answer came (an entry whose lookup is still running is not old). */
  at: number;
  readonly value: Promise<FunctionState>;
  refreshing?: boolean;
}

export class FunctionCache {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly provider: Pick<Provider, 'get'>,
    private readonly ttlMs = 250,
    private readonly now: () => number = Date.now,
    private readonly staleMs = 5000,
  ) {}

  get(name: string, namespace: string): Promise<FunctionState> {
    const key = `${namespace}/${name}`;
    const hit = this.entries.get(key);
    const age = hit ? this.now() - hit.at : Infinity; // a lookup still running has age < 0
    if (hit && age < this.ttlMs) return hit.value;
    if (hit && age < this.staleMs) {
      if (!hit.refreshing) this.refresh(key, hit, name, namespace);
      return hit.value;
    }
    const entry = this.lookup(name, namespace);
    this.entries.set(key, entry);
    entry.value.catch(() => this.drop(key, entry)); // failures are not cached
    return entry.value;
  }

  /** After deploy, update, scale or delete: the next call sees the change. */
  invalidate(name: string, namespace: string): void {
    this.entries.delete(`${namespace}/${name}`);
  }

  /** Replaces `stale` once a new answer is in, unless it was invalidated meanwhile. */
  private refresh(key: string, stale: Entry, name: string, namespace: string): void {
    stale.refreshing = true;
    const entry = this.lookup(name, namespace);
    entry.value.then(
      () => {
        if (this.entries.get(key) === stale) this.entries.set(key, entry);
      },
      () => this.drop(key, stale),
    );
  }

  /** An entry timed from its answer: until then it counts as fresh. */
  private lookup(name: string, namespace: string): Entry {
    const entry: Entry = { at: Infinity, value: this.provider.get(name, namespace) };
    entry.value.then(
      () => (entry.at = this.now()),
      () => undefined,
    );
    return entry;
  }

  private drop(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}
