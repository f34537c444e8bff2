/**
 * The gateway benchmark: `npm run build && node --import tsx bench/gateway/run.ts`.
 *
 * 1. invoke: an http-mode function called directly on a watchdog vs through the gateway's
 *    POST /function/NAME; req/s at 16 and 1 connections, p50/p99 at 1 connection.
 * 2. rss: the gateway's VmRSS with 0 and then 100 deployed functions.
 *
 * Prints one table, writes the raw figures to dist/bench-gateway-latest.json. Loopback only;
 * every load loop is bounded in count and time; about two minutes on 2 cores.
 * `… run.ts invoke` or `… run.ts rss` runs one scenario; `--cpu-prof` writes a CPU profile of
 * the gateway during scenario 1 to dist/bench-gateway-profile/; `--gateway-flag=F` (repeatable)
 * passes a node flag to every gateway, e.g. `--gateway-flag=--max-semi-space-size=2`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createContext } from '../lib/context.ts';
import { formatTable, writeJson } from '../lib/report.ts';
import { machine, printSummary, runEach, startDeadline } from '../lib/runner.ts';
import { GATEWAY } from './gateway-process.ts';
import type { GatewayProc } from './gateway-process.ts';
import { invokeOverhead } from './invoke-overhead.ts';
import { rss100 } from './rss-100.ts';
import { GATEWAY_COLUMNS } from './table.ts';
import type { GatewayScenarioResult } from './table.ts';

const OUTPUT = 'dist/bench-gateway-latest.json';
const PROFILE_DIR = resolve('dist/bench-gateway-profile');
/** About two minutes is expected; past this something is stuck. */
const DEADLINE_MS = 240_000;
const NAMES = ['invoke', 'rss'] as const;
type Name = (typeof NAMES)[number];

const FLAG = '--gateway-flag=';

function parseArgs(argv: readonly string[]): { names: Name[]; cpuProf: boolean; flags: string[] } {
  const cpuProf = argv.includes('--cpu-prof');
  const flags = argv.filter((a) => a.startsWith(FLAG)).map((a) => a.slice(FLAG.length));
  const rest = argv.filter((a) => a !== '--cpu-prof' && !a.startsWith(FLAG));
  const unknown = rest.filter((a) => !(NAMES as readonly string[]).includes(a));
  if (unknown.length > 0) {
    throw new Error(
      `unknown argument ${unknown.join(', ')}: use ${NAMES.join(', ')}, --cpu-prof, ${FLAG}F`,
    );
  }
  return { names: rest.length > 0 ? (rest as Name[]) : [...NAMES], cpuProf, flags };
}

/** Which gateway was measured: the tree is shared and dist/ may be rebuilt between runs. */
function build(): Record<string, unknown> {
  const git = (...args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return undefined;
    }
  };
  return {
    bundle: GATEWAY,
    bundleSha256: createHash('sha256').update(readFileSync(GATEWAY)).digest('hex').slice(0, 16),
    bundleBuilt: statSync(GATEWAY).mtime.toISOString(),
    gitHead: git('rev-parse', '--short', 'HEAD')?.trim(),
    gatewaySourcesChanged: git('status', '--porcelain', 'gateway', 'watchdog')
      ?.split('\n')
      .filter((l) => l !== '').length,
  };
}

async function main(): Promise<number> {
  const { names, cpuProf, flags } = parseArgs(process.argv.slice(2));
  const ctx = createContext();
  const gateways: GatewayProc[] = [];
  const stopEverything = async (): Promise<void> => {
    await ctx.stopAll();
    await Promise.all(gateways.splice(0).map((g) => g.stop()));
  };
  const deadline = startDeadline(DEADLINE_MS, stopEverything);
  const trackGateway = (gw: GatewayProc): void => void gateways.push(gw);
  const scenarios: Record<Name, () => Promise<GatewayScenarioResult>> = {
    invoke: () =>
      invokeOverhead(ctx, {
        trackGateway,
        gatewayNodeArgs: [
          ...flags,
          ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
        ],
      }),
    rss: () => rss100(ctx, { trackGateway, gatewayNodeArgs: flags }),
  };
  const measured = build();
  const { results, failed, seconds } = await runEach({
    names,
    run: (name) => scenarios[name](),
    stopEverything,
    describe: (err) => String(err instanceof Error ? err.stack : err),
  });
  clearTimeout(deadline);
  printSummary(
    formatTable(
      GATEWAY_COLUMNS,
      results.flatMap((r) => r.rows),
    ),
    seconds,
  );
  console.log(
    `gateway bundle ${measured.bundleSha256} built ${measured.bundleBuilt}, git ${measured.gitHead}` +
      ` (+${measured.gatewaySourcesChanged} changed files in gateway/ watchdog/)`,
  );
  writeJson(OUTPUT, {
    date: new Date().toISOString(),
    machine: machine(),
    build: measured,
    gatewayFlags: flags,
    seconds,
    results,
  });
  console.log(`raw figures: ${OUTPUT}`);
  if (cpuProf) console.log(`gateway CPU profile: ${PROFILE_DIR}/`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
