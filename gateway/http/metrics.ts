/**
 * The gateway's Prometheus metrics (CONTRACT §2.1) on a registry of its own, plus the per-function
 * invocation counts that FunctionStatus.invocationCount reports. Only functions that exist ever
 * become label values: the invoker records after a successful lookup.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LoadSignals } from '../scaling/load-signals.ts';

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly counts = new Map<string, number>();
  private readonly invocations: Counter<'function_name' | 'code'>;
  private readonly seconds: Histogram<'function_name' | 'code'>;
  private readonly started: Counter<'function_name'>;
  private readonly coldStarts: Histogram<'function_name'>;
  /** Per-function load as the built-in autoscaler reads it; the invoker updates it. */
  readonly load: LoadSignals;

  /** `replicas` is asked for desired replicas at scrape time (gateway_service_count). */
  constructor(
    replicas: () => Promise<{ name: string; replicas: number }[]>,
    now: () => number = Date.now,
  ) {
    this.load = new LoadSignals(now);
    const registers = [this.registry];
    this.invocations = new Counter({
      name: 'gateway_function_invocation_total',
      help: 'Completed function invocations, by HTTP status',
      labelNames: ['function_name', 'code'],
      registers,
    });
    this.seconds = new Histogram({
      name: 'gateway_functions_seconds',
      help: 'Function invocation time, end to end through the gateway',
      labelNames: ['function_name', 'code'],
      registers,
    });
    this.started = new Counter({
      name: 'gateway_function_invocation_started',
      help: 'Function invocations forwarded',
      labelNames: ['function_name'],
      registers,
    });
    this.coldStarts = new Histogram({
      name: 'gateway_function_cold_start_seconds',
      help: 'How long calls to a function at zero replicas waited for a ready replica',
      labelNames: ['function_name'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    new Gauge({
      name: 'gateway_service_count',
      help: 'Desired replicas of each function',
      labelNames: ['function_name'],
      registers,
      async collect() {
        this.reset();
        for (const f of await replicas()) this.set({ function_name: f.name }, f.replicas);
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  invocationStarted(name: string): void {
    this.started.inc({ function_name: name });
  }

  invocationDone(name: string, code: number, seconds: number): void {
    const labels = { function_name: name, code: String(code) };
    this.invocations.inc(labels);
    this.seconds.observe(labels, seconds);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  coldStart(name: string, seconds: number): void {
    this.coldStarts.observe({ function_name: name }, seconds);
  }

  invocationCount(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  /** A function deployed again under a removed one's name starts from zero. */
  forget(name: string): void {
    this.counts.delete(name);
    this.load.forget(name);
  }
}
