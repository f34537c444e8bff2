/**
 * `npm run bench`: runs each scenario against the bundled watchdog (dist/watchdog.js, built
 * first by the npm script), prints one table of watchdog-vs-baseline ratios and saves the raw
 * figures to dist/bench-latest.json. Loopback only; every load loop is bounded in time.
 * `npm run bench -- fork-cat idle-rss` runs only the named scenarios.
 */
import { cpus, totalmem } from 'node:os';
import { createContext } from './lib/context.ts';
import type { BenchContext } from './lib/context.ts';
import { formatTable, writeJson } from './lib/report.ts';
import type { ScenarioResult } from './lib/report.ts';
import { forkCat } from './scenarios/fork-cat.ts';
import { httpProxy } from './scenarios/http-proxy.ts';
import { idleRss } from './scenarios/idle-rss.ts';
import { preforkLatency } from './scenarios/prefork-latency.ts';

const OUTPUT = 'dist/bench-latest.json';
/** The whole run is expected to take about 90 s; past this something is stuck. */
const DEADLINE_MS = 300_000;

const SCENARIOS: Readonly<Record<string, (ctx: BenchContext) => Promise<ScenarioResult>>> = {
  'fork-cat': forkCat,
  'prefork-latency': preforkLatency,
  'http-proxy': httpProxy,
  'idle-rss': idleRss,
};

/** The scenarios named on the command line, all of them when none is. */
function chosen(names: readonly string[]): string[] {
  const unknown = names.filter((n) => !(n in SCENARIOS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(', ')}: use ${Object.keys(SCENARIOS).join(', ')}`,
    );
  }
  return names.length > 0 ? [...names] : Object.keys(SCENARIOS);
}

function machine(): Record<string, unknown> {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
  };
}

async function main(): Promise<number> {
  const names = chosen(process.argv.slice(2));
  const ctx = createContext();
  const deadline = setTimeout(() => {
    process.stderr.write(`bench: not finished after ${DEADLINE_MS / 1000}s, giving up\n`);
    void ctx.stopAll().finally(() => process.exit(1));
  }, DEADLINE_MS);
  const started = Date.now();
  const results: ScenarioResult[] = [];
  let failed = false;
  for (const name of names) {
    try {
      results.push(await SCENARIOS[name]!(ctx));
    } catch (err) {
      failed = true;
      process.stderr.write(`bench: ${name} failed: ${String(err)}\n`);
    } finally {
      await ctx.stopAll();
    }
  }
  clearTimeout(deadline);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${formatTable(results.flatMap((r) => r.rows))}\n`);
  console.log(`${machine().cpus} CPUs, Node ${process.version}, ${seconds}s`);
  writeJson(OUTPUT, { date: new Date().toISOString(), machine: machine(), seconds, results });
  console.log(`raw figures: ${OUTPUT}`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
