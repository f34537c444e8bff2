/**
 * CPU cost per request of each process in a request's path, from /proc/PID/stat (utime +
 * stime, clock ticks of 10 ms) around closed-loop load. On a machine where every process in the
 * path shares two cores, throughput is bounded by 2 cores / (sum of CPU per request), so these
 * figures explain a throughput ratio without a profiler: they add up to it.
 */
import { readFileSync } from 'node:fs';
import { assertClean, runLoad } from '../lib/load.ts';
import type { LoadOptions } from '../lib/load.ts';

const TICK_MS = 10; // CLK_TCK is 100 on Linux

/** User + system CPU time of `pid` so far, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces) in parentheses; utime, stime are 14, 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** This process (the load generator), in ms. */
const selfMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export interface PathTarget {
  readonly name: string;
  readonly url: string;
  /** The processes a request to `url` goes through, by role. */
  readonly pids: Readonly<Record<string, number>>;
}

export interface PathCost {
  readonly name: string;
  readonly requests: number;
  readonly seconds: number;
  /** CPU ms per request by role, plus `loadgen` (this process) and `total`. */
  readonly msPerRequest: Readonly<Record<string, number>>;
}

/**
 * Loads each target for `sliceSeconds`, in the order A B C … then … C B A (`rounds` times
 * each way), and sums each role's CPU over its target's slices.
 */
export async function pathCosts(
  targets: readonly PathTarget[],
  load: Omit<LoadOptions, 'url' | 'seconds'>,
  sliceSeconds: number,
  rounds: number,
): Promise<PathCost[]> {
  const sums = targets.map(() => ({ requests: 0, seconds: 0, cpu: {} as Record<string, number> }));
  for (let r = 0; r < rounds * 2; r++) {
    const order = targets.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const t = targets[i]!;
      const roles = Object.entries(t.pids);
      const before = roles.map(([, pid]) => cpuMs(pid));
      const self0 = selfMs();
      const res = await runLoad({ ...load, url: t.url, seconds: sliceSeconds });
      const self1 = selfMs();
      assertClean(`${t.name} ${t.url}`, res);
      const sum = sums[i]!;
      sum.requests += res.requests;
      sum.seconds += res.seconds;
      roles.forEach(([role, pid], k) => {
        sum.cpu[role] = (sum.cpu[role] ?? 0) + cpuMs(pid) - before[k]!;
      });
      sum.cpu.loadgen = (sum.cpu.loadgen ?? 0) + self1 - self0;
    }
  }
  return targets.map((t, i) => {
    const { requests, seconds, cpu } = sums[i]!;
    const per = Object.fromEntries(
      Object.entries(cpu).map(([role, ms]) => [role, ms / Math.max(1, requests)]),
    );
    const total = Object.values(per).reduce((a, b) => a + b, 0);
    return { name: t.name, requests, seconds, msPerRequest: { ...per, total } };
  });
}
