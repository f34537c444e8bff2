/**
 * Finds a function's replicas the way a process on the functions network can: the Swarm DNS
 * name `tasks.<service>` lists the running tasks' addresses (endpoint mode dnsrr). Answers are
 * cached briefly and handed out round-robin; an address that refused a connection is skipped
 * for a while instead of being retried on every call. Only works from inside the overlay
 * network: the host cannot reach overlay addresses (docs/swarm.md).
 *
 * @module
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { connect } from 'node:net';

/** The watchdog's port in every function image. */
export const WATCHDOG_PORT = 8080;

export type Lookup = (host: string) => Promise<string[]>;
/** Resolves when a TCP connection to host:port opens, rejects otherwise. */
export type Probe = (host: string, port: number) => Promise<void>;

export interface ResolverOptions {
  readonly lookup?: Lookup;
  readonly probe?: Probe;
  readonly now?: () => number;
  /** How long a DNS answer is reused. */
  readonly cacheMs?: number;
  /** How long an empty answer (no task running yet) is reused: short, so a new replica is seen soon. */
  readonly emptyCacheMs?: number;
  /** How long an address that answered a probe is trusted without another. */
  readonly trustMs?: number;
  /** How long an address that failed a call is skipped, and the longest a failing probe is. */
  readonly skipMs?: number;
  /**
   * How long an address whose probe failed is skipped the first time; doubled on each further
   * failure up to skipMs. A replica that is still starting is retried soon, a dead one rarely.
   */
  readonly probeSkipMs?: number;
  readonly probeTimeoutMs?: number;
}

export const systemLookup: Lookup = async (host) =>
  (await dnsLookup(host, { all: true, family: 4 })).map((a) => a.address);

export function tcpProbe(timeoutMs: number): Probe {
  return (host, port) =>
    new Promise((resolve, reject) => {
      const socket = connect({ host, port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('timeout', () => socket.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      socket.once('error', reject);
    });
}

interface Entry {
  addresses: string[];
  expires: number;
  next: number;
}

export class ReplicaResolver {
  readonly #lookup: Lookup;
  readonly #probe: Probe;
  readonly #now: () => number;
  readonly #cacheMs: number;
  readonly #trustMs: number;
  readonly #skipMs: number;
  readonly #emptyCacheMs: number;
  readonly #probeSkipMs: number;
  /** address → failed probes in a row. */
  readonly #failures = new Map<string, number>();
  readonly #entries = new Map<string, Entry>();
  /** address → until when it is trusted (> now) or skipped (stored negative). */
  readonly #health = new Map<string, number>();

  constructor(options: ResolverOptions = {}) {
    this.#lookup = options.lookup ?? systemLookup;
    this.#probe = options.probe ?? tcpProbe(options.probeTimeoutMs ?? 500);
    this.#now = options.now ?? Date.now;
    this.#cacheMs = options.cacheMs ?? 1000;
    this.#trustMs = options.trustMs ?? 2000;
    this.#skipMs = options.skipMs ?? 5000;
    this.#emptyCacheMs = options.emptyCacheMs ?? 100;
    this.#probeSkipMs = options.probeSkipMs ?? 250;
  }

  /** A base URL of a replica of `service` that accepts connections, or undefined when none. */
  async resolve(service: string): Promise<URL | undefined> {
    const entry = await this.#entry(service);
    for (let i = 0; i < entry.addresses.length; i += 1) {
      const address = entry.addresses[entry.next % entry.addresses.length] ?? '';
      entry.next = (entry.next + 1) % entry.addresses.length;
      if (await this.#usable(address)) return new URL(`http://${address}:${WATCHDOG_PORT}`);
    }
    return undefined;
  }

  /** Marks the replica at `url` as failed: skipped until skipMs has passed. */
  reportFailure(url: URL): void {
    this.#health.set(url.hostname, -(this.#now() + this.#skipMs));
  }

  /** Forgets what is known about `service` (after it was removed or scaled). */
  forget(service: string): void {
    this.#entries.delete(service);
  }

  async #entry(service: string): Promise<Entry> {
    const now = this.#now();
    const cached = this.#entries.get(service);
    if (cached && cached.expires > now) return cached;
    let addresses: string[];
    try {
      addresses = [...new Set(await this.#lookup(`tasks.${service}`))].sort();
    } catch {
      addresses = []; // ENOTFOUND: no running task (or not on the functions network)
    }
    for (const [address, until] of this.#health) {
      if (Math.abs(until) <= now) this.#health.delete(address);
    }
    const ttl = addresses.length > 0 ? this.#cacheMs : this.#emptyCacheMs;
    const entry = { addresses, expires: now + ttl, next: cached?.next ?? 0 };
    this.#entries.set(service, entry);
    return entry;
  }

  async #usable(address: string): Promise<boolean> {
    const now = this.#now();
    const until = this.#health.get(address);
    if (until !== undefined && until > now) return true;
    if (until !== undefined && -until > now) return false;
    try {
      await this.#probe(address, WATCHDOG_PORT);
      this.#health.set(address, now + this.#trustMs);
      this.#failures.delete(address);
      return true;
    } catch {
      const failures = (this.#failures.get(address) ?? 0) + 1;
      this.#failures.set(address, failures);
      const skip = Math.min(this.#probeSkipMs * 2 ** (failures - 1), this.#skipMs);
      this.#health.set(address, -(now + skip));
      return false;
    }
  }
}
