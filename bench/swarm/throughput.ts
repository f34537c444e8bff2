/**
 * Requests/s from inside the overlay network (the host cannot reach overlay IPs): a
 * short-lived container from the locally made Node base image, attached to the run's functions
 * network, runs bench/swarm/load-main.ts (bundled here with esbuild, autocannon inside) against
 * the function's watchdog directly (http://NAME:8080/, the dnsrr service name) and through the
 * gateway service (http://GATEWAY:8080/function/NAME), interleaved at each connection count.
 * The container is removed afterwards whatever happens, and killed at a deadline.
 */
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { build } from 'esbuild';
import { pack } from 'tar-stream';
import type { Pair } from '../lib/compare.ts';
import type { LoadPlan, LoadReport } from './load-main.ts';

const ENTRY = fileURLToPath(new URL('./load-main.ts', import.meta.url));
const SCRIPT = '/tmp/load.mjs';
/** The bundled autocannon needs `require` for its CommonJS dependencies. */
const BANNER =
  "import { createRequire as __faasRequire } from 'node:module'; const require = __faasRequire(import.meta.url);";
/** Past this the container is killed: every load is bounded well inside it. */
const DEADLINE_MS = 180_000;

/** The load script as one self-contained ESM file. */
async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: BANNER },
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the load script');
  return file.text;
}

/** A tar archive holding one file, for putArchive and build contexts. */
export async function tarOf(name: string, text: string): Promise<Buffer> {
  const p = pack();
  p.entry({ name, mode: 0o644 }, text);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) into stdout and stderr. */
export function demux(buf: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length;) {
    const size = buf.readUInt32BE(i + 4);
    (buf[i] === 2 ? err : out).push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

export interface LoadContainer {
  readonly docker: Docker;
  readonly image: string;
  readonly network: string;
  /** Container name (carries the run's prefix). */
  readonly name: string;
}

/** Runs the container to its end (or the deadline); returns its exit code and output. */
async function runToEnd(c: Docker.Container): Promise<{ code: number; out: string; err: string }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ StatusCode: number }>((done) => {
    timer = setTimeout(() => {
      void c.kill().catch(() => undefined);
      done({ StatusCode: -1 });
    }, DEADLINE_MS);
  });
  // next-exit: the default (not-running) answers at once for a container not started yet.
  const waited = c.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
  await c.start();
  const { StatusCode } = await Promise.race([waited, deadline]).finally(() => clearTimeout(timer));
  const logs = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  const { stdout, stderr } = demux(logs);
  return { code: StatusCode, out: stdout, err: stderr };
}

/** The pairs (direct = baseline, gateway = measured) at each connection count. */
export async function loadFromInside(
  lc: LoadContainer,
  plan: LoadPlan,
): Promise<Record<string, Pair>> {
  const script = await bundle();
  const c = await lc.docker.createContainer({
    name: lc.name,
    Image: lc.image,
    Cmd: ['node', SCRIPT, JSON.stringify(plan)],
    HostConfig: { NetworkMode: lc.network },
  });
  try {
    await c.putArchive(await tarOf(SCRIPT.slice(1), script), { path: '/' });
    const r = await runToEnd(c);
    if (r.code !== 0) throw new Error(`load container exited ${r.code}:\n${r.err}`);
    const line = r.out.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{'))
      throw new Error(`load container printed no result:\n${r.out}\n${r.err}`);
    return (JSON.parse(line) as LoadReport).pairs;
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
  }
}

/** The last `lines` lines a service logged (stdout and stderr), for a failure's message. */
export async function serviceLogTail(docker: Docker, service: string, lines = 20): Promise<string> {
  try {
    const logs = (await docker
      .getService(service)
      .logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    const { stdout, stderr } = demux(logs);
    return `${stdout}${stderr}`.trim();
  } catch (err) {
    return `(no logs: ${err instanceof Error ? err.message : String(err)})`;
  }
}
