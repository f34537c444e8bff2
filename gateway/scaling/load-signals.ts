/**
 * What the built-in autoscaler knows about each function's load, counted by the gateway itself
 * on the invoke path (no Prometheus needed): requests completed, requests in flight, the
 * in-flight time integral (average concurrency between two samples) and the last request's time.
 * Only functions the invoker found become keys: it calls begin() after the lookup.
 */

/** One function's counters at one instant; cumulative fields only ever grow. */
export interface LoadSample {
  /** When the sample was taken (ms, the clock given to LoadSignals). */
  readonly at: number;
  /** Requests completed since the gateway started (any status). */
  readonly completed: number;
  /** Requests in flight at `at`, including calls waiting for a replica. */
  readonly inFlight: number;
  /** Σ in-flight × time, in request-milliseconds: Δbusy / Δt is the average concurrency. */
  readonly busyMs: number;
  /** When the last request arrived or finished; undefined if none since the gateway started. */
  readonly lastRequestAt: number | undefined;
}

interface Counters {
  completed: number;
  inFlight: number;
  busyMs: number;
  /** When busyMs was last brought up to date. */
  since: number;
  lastRequestAt: number | undefined;
}

export class LoadSignals {
  readonly #fns = new Map<string, Counters>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A request for `name` starts; the returned function ends it (call it exactly once). */
  begin(name: string): () => void {
    const c = this.#advance(name);
    c.inFlight++;
    c.lastRequestAt = c.since;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const d = this.#advance(name);
      d.inFlight = Math.max(0, d.inFlight - 1);
      d.completed++;
      d.lastRequestAt = d.since;
    };
  }

  sample(name: string): LoadSample {
    const at = this.now();
    const c = this.#fns.get(name);
    if (!c) return { at, completed: 0, inFlight: 0, busyMs: 0, lastRequestAt: undefined };
    const busyMs = c.busyMs + c.inFlight * Math.max(0, at - c.since);
    return {
      at,
      completed: c.completed,
      inFlight: c.inFlight,
      busyMs,
      lastRequestAt: c.lastRequestAt,
    };
  }

  /** A function deployed again under a removed one's name starts from nothing. */
  forget(name: string): void {
    this.#fns.delete(name);
  }

  #advance(name: string): Counters {
    const now = this.now();
    let c = this.#fns.get(name);
    if (!c) {
      c = { completed: 0, inFlight: 0, busyMs: 0, since: now, lastRequestAt: undefined };
      this.#fns.set(name, c);
    }
    c.busyMs += c.inFlight * Math.max(0, now - c.since);
    c.since = now;
    return c;
  }
}
