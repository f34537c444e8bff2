/**
 * Summarises a V8 .cpuprofile (from `run.ts --cpu-prof`): where the gateway's CPU time went,
 * by self time per function, by module (file or node: internal group), and inclusive time of
 * the functions named on the command line.
 *
 *   node --import tsx bench/gateway/profile-summary.ts dist/bench-gateway-profile/X.cpuprofile \
 *     [inclusive-function-name …]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (nm) return `npm:${nm[1]}`;
  if (path.startsWith('node:')) return path.split('/').slice(0, 3).join('/');
  return relative(process.cwd(), path);
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${pctOf(us, total)}  ${k}`);
}

const pctOf = (us: number, total: number): string =>
  `${((us / total) * 100).toFixed(1).padStart(5)}%`;

function main(): void {
  const [file, ...inclusiveNames] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts FILE.cpuprofile [function …]');
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));

  const total = p.endTime - p.startTime;
  let busy = 0;
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    const mod = moduleOf(f.url, f.functionName);
    if (!IDLE.has(f.functionName)) busy += us;
    const key = `${f.functionName || '(anonymous)'} ${mod}:${f.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    // Inclusive: charge each named function once per sample stack it appears in.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const name = byId.get(n)!.callFrame.functionName;
      if (inclusiveNames.includes(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + us);
      }
    }
  }
  const gc = byFunction.get('(garbage collector) (garbage collector):0') ?? 0;
  console.log(
    `profile ${(total / 1e6).toFixed(1)} s, busy ${pctOf(busy, total)} (GC ${pctOf(gc, total)})`,
  );
  console.log('\nself time by module (share of the whole profile):');
  console.log(top(byModule, total, 25).join('\n'));
  console.log('\nself time by function:');
  console.log(top(byFunction, total, 40).join('\n'));
  if (inclusiveNames.length > 0) {
    console.log('\ninclusive time:');
    console.log(top(inclusive, total, inclusiveNames.length).join('\n'));
  }
}

main();
