/**
 * Watchdogs left running by a gateway that died without close() (SIGKILL, crash): each replica
 * wrote its pid to `<runDir>/…/pid`; at the next start, a pid still running the watchdog is
 * killed before the run directory is wiped. Linux only (reads /proc); elsewhere a no-op.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

async function pidFiles(dir: string, depth: number): Promise<string[]> {
  if (depth < 0) return [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) found.push(...(await pidFiles(path, depth - 1)));
    else if (e.name === 'pid') found.push(path);
  }
  return found;
}

/** Kills processes recorded under `runDir` whose command line still names `watchdogPath`. */
export async function killOrphans(runDir: string, watchdogPath: string): Promise<number[]> {
  const killed: number[] = [];
  for (const file of await pidFiles(runDir, 5)) {
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 1) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.split('\0').includes(watchdogPath)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // gone already
    }
  }
  return killed;
}
