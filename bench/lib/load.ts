/**
 * Closed-loop throughput with autocannon, in this process: `connections` keep-alive
 * connections each sending the next request as soon as the last one is answered.
 */
import autocannon from 'autocannon';

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly method?: 'GET' | 'POST';
  readonly body?: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  /** Completed 2xx responses per second. */
  readonly rps: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

/** Hard stop if autocannon itself overruns its duration. */
const GRACE_MS = 10_000;
/** Upper bound on the request count, so no run is unbounded even by time alone. */
const MAX_REQUESTS = 2_000_000;

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: o.url,
        connections: o.connections,
        duration: o.seconds,
        maxOverallRequests: MAX_REQUESTS,
        method: o.method ?? 'GET',
        body: o.body,
        timeout: 10,
      },
      (err, r) => {
        clearTimeout(guard);
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        resolve({
          requests: r.requests.total,
          seconds: r.duration,
          rps: r['2xx'] / r.duration,
          errors: r.errors, // timeouts included
          non2xx: r.non2xx,
          latencyP50Ms: r.latency.p50,
          latencyP99Ms: r.latency.p99,
        });
      },
    );
    const guard = setTimeout(() => instance.stop(), o.seconds * 1000 + GRACE_MS);
  });
}

/** Fails loudly when a run had errors or non-2xx answers: its rate would mean nothing. */
export function assertClean(name: string, r: LoadResult): void {
  if (r.errors > 0 || r.non2xx > 0 || r.requests === 0) {
    throw new Error(
      `${name}: ${r.requests} requests, ${r.errors} errors, ${r.non2xx} non-2xx responses`,
    );
  }
}
