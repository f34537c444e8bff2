/**
 * `npm run bench`: runs each scenario against the bundled watchdog (dist/watchdog.js, built
 * first by the npm script), prints one table of watchdog-vs-baseline ratios and saves the raw
 * figures to dist/bench-latest.json. Loopback only; every load loop is bounded in time.
 * `npm run bench -- fork-cat idle-rss` runs only the named scenarios.
 */
import { createContext } from './lib/context.ts';
import type { BenchContext } from './lib/context.ts';
import { COLUMNS, formatTable, writeJson } from './lib/report.ts';
import type { ScenarioResult } from './lib/report.ts';
import { machine, printSummary, runEach, startDeadline } from './lib/runner.ts';
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

async function main(): Promise<number> {
  const names = chosen(process.argv.slice(2));
  const ctx = createContext();
  const deadline = startDeadline(DEADLINE_MS, () => ctx.stopAll());
  const { results, failed, seconds } = await runEach({
    names,
    run: (name) => SCENARIOS[name]!(ctx),
    stopEverything: () => ctx.stopAll(),
    describe: String,
  });
  clearTimeout(deadline);
  printSummary(
    formatTable(
      COLUMNS,
      results.flatMap((r) => r.rows),
    ),
    seconds,
  );
  writeJson(OUTPUT, { date: new Date().toISOString(), machine: machine(), seconds, results });
  console.log(`raw figures: ${OUTPUT}`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
