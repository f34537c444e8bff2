/**
 * What bench/run.ts and bench/gateway/run.ts share: the deadline, the scenario loop, the
 * machine description and the summary printed after the table.
 */
import { cpus, totalmem } from 'node:os';

/** The machine the figures were taken on, for the JSON file. */
export function machine(): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
  };
}

/** Past `ms` the run is stuck: says so, stops everything and exits 1. Clear it when done. */
export function startDeadline(ms: number, stopEverything: () => Promise<void>): NodeJS.Timeout {
  return setTimeout(() => {
    process.stderr.write(`bench: not finished after ${ms / 1000}s, giving up\n`);
    void stopEverything().finally(() => process.exit(1));
  }, ms);
}

export interface RunEachOptions<N extends string, R> {
  readonly names: readonly N[];
  readonly run: (name: N) => Promise<R>;
  /** Called after each scenario, whether it failed or not. */
  readonly stopEverything: () => Promise<void>;
  /** How a failure is written on stderr after `bench: NAME failed: `. */
  readonly describe: (err: unknown) => string;
}

/**
 * Runs the named scenarios one after another; a failed one is reported on stderr and the rest
 * still run. `seconds` is the whole loop's wall time, rounded.
 */
export async function runEach<N extends string, R>(
  o: RunEachOptions<N, R>,
): Promise<{ results: R[]; failed: boolean; seconds: number }> {
  const started = Date.now();
  const results: R[] = [];
  let failed = false;
  for (const name of o.names) {
    try {
      results.push(await o.run(name));
    } catch (err) {
      failed = true;
      process.stderr.write(`bench: ${name} failed: ${o.describe(err)}\n`);
    } finally {
      await o.stopEverything();
    }
  }
  return { results, failed, seconds: Math.round((Date.now() - started) / 1000) };
}

/** The results table, then the machine and how long the run took. */
export function printSummary(table: string, seconds: number): void {
  console.log(`\n${table}\n`);
  console.log(`${machine().cpus} CPUs, Node ${process.version}, ${seconds}s`);
}
