/**
 * The load generator run inside the overlay network (bench/swarm/throughput.ts bundles it with
 * esbuild and copies it into a short-lived container): for each connection count, the
 * function's watchdog called directly (baseline) and the same function through the gateway,
 * interleaved by bench/lib/compare.ts. Reads its plan as JSON from argv[2] and prints the
 * results as one JSON line on stdout; progress goes to stderr.
 */
import { compareThroughput } from '../lib/compare.ts';
import type { Pair } from '../lib/compare.ts';

/** What the bench process asks for. */
export interface LoadPlan {
  readonly directUrl: string;
  readonly gatewayUrl: string;
  readonly connections: readonly number[];
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly body: string;
}

/** What the container prints: one pair per connection count. */
export interface LoadReport {
  readonly pairs: Record<string, Pair>;
}

/** Fails unless `url` echoes the body, so that no rate is taken of an error page. */
async function checkEcho(url: string, body: string): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== 200 || text !== body) {
    throw new Error(`${url} did not echo the body: ${res.status} ${JSON.stringify(text)}`);
  }
}

async function main(plan: LoadPlan): Promise<LoadReport> {
  await checkEcho(plan.directUrl, plan.body);
  await checkEcho(plan.gatewayUrl, plan.body);
  const pairs: Record<string, Pair> = {};
  for (const connections of plan.connections) {
    process.stderr.write(`load: ${connections} connection(s), ${plan.seconds}s each side\n`);
    pairs[connections] = await compareThroughput({
      baselineUrl: plan.directUrl,
      watchdogUrl: plan.gatewayUrl,
      connections,
      seconds: plan.seconds,
      warmupSeconds: plan.warmupSeconds,
      method: 'POST',
      body: plan.body,
    });
  }
  return { pairs };
}

try {
  const report = await main(JSON.parse(process.argv[2] ?? '{}') as LoadPlan);
  process.stdout.write(`${JSON.stringify(report)}\n`);
} catch (err) {
  process.stderr.write(`load: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
