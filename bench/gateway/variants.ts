/**
 * Compares builds of the gateway on the invoke path, to put a number on a proposed change
 * before it is made: each build is started with the same http-mode function, and all of them
 * (plus the watchdog called directly) are measured interleaved: CPU ms per request of the
 * gateway process at 16 connections, req/s, and p50 at one connection.
 *
 *   node --import tsx bench/gateway/variants.ts head=/tmp/a/dist/gateway.mjs \
 *     patched=/tmp/b/dist/gateway.mjs
 *
 * Each bundle needs its own ../dist/watchdog.js beside it (a full `npm run build` output).
 */
import type { BenchContext } from '../lib/context.ts';
import { createContext } from '../lib/context.ts';
import { waitUntilOk } from '../lib/processes.ts';
import { round } from '../lib/stats.ts';
import { pathCosts } from './cpu.ts';
import type { PathTarget } from './cpu.ts';
import { childrenOf, makeRoot } from './gateway-process.ts';
import type { GatewayProc } from './gateway-process.ts';
import { BODY, FUNCTION, directWatchdog, gatewayWithFunction } from './invoke-overhead.ts';
import { compareSequential } from './sequential.ts';

const CONNECTIONS = 16;
const SLICE_SECONDS = 1.5;
const ROUNDS = 4;
const SEQUENTIAL = { warmup: 200, rounds: 6, perSlice: 300, maxMs: 40_000 } as const;
const DEADLINE_MS = 240_000;

async function directTarget(ctx: BenchContext): Promise<PathTarget> {
  const wd = await directWatchdog(ctx);
  return { name: 'direct', url: wd.url, pids: { watchdog: wd.pid } };
}

async function main(): Promise<number> {
  const builds = process.argv.slice(2).map((a) => {
    const [name, bundle] = a.split('=');
    if (!name || !bundle) throw new Error(`expected NAME=path/to/gateway.mjs, got ${a}`);
    return { name, bundle };
  });
  if (builds.length === 0) throw new Error('usage: variants.ts NAME=BUNDLE …');
  const ctx = createContext();
  const gateways: GatewayProc[] = [];
  const stopAll = async (): Promise<void> => {
    await ctx.stopAll();
    await Promise.all(gateways.splice(0).map((g) => g.stop()));
  };
  const deadline = setTimeout(() => void stopAll().finally(() => process.exit(1)), DEADLINE_MS);
  try {
    const targets: PathTarget[] = [await directTarget(ctx)];
    for (const b of builds) {
      const gw = await gatewayWithFunction(
        { gatewayNodeArgs: [], trackGateway: (g) => void gateways.push(g), bundle: b.bundle },
        makeRoot(),
      );
      const url = `${gw.url}/function/${FUNCTION}`;
      await waitUntilOk(url);
      targets.push({
        name: b.name,
        url,
        pids: { gateway: gw.pid, watchdog: childrenOf(gw.pid)[0]! },
      });
    }
    ctx.progress(`variants: CPU per request, ${CONNECTIONS} connections`);
    const load = { connections: CONNECTIONS, method: 'POST' as const, body: BODY };
    const costs = await pathCosts(targets, load, SLICE_SECONDS, ROUNDS);
    ctx.progress('variants: sequential latency, 1 connection');
    const seq = await compareSequential({ ...SEQUENTIAL, targets, body: BODY });
    console.log('\nbuild       gw ms/req  wd ms/req  req/s@16  p50@1 ms  +p50 vs direct');
    targets.forEach((t, i) => {
      const c = costs[i]!;
      const s = seq.targets[i]!;
      const f = (n: number | undefined, d = 3): string => (n === undefined ? '-' : n.toFixed(d));
      console.log(
        [
          t.name.padEnd(10),
          f(c.msPerRequest.gateway).padStart(9),
          f(c.msPerRequest.watchdog).padStart(10),
          round(c.requests / c.seconds, 0)
            .toString()
            .padStart(9),
          f(s.p50Ms).padStart(9),
          f(s.addedP50Ms).padStart(15),
        ].join('  '),
      );
    });
    return 0;
  } finally {
    clearTimeout(deadline);
    await stopAll();
  }
}

process.exitCode = await main();
