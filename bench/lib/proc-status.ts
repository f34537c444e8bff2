/** Reads a process's memory the way `ps` does, from /proc/PID/status. */
import { readFileSync } from 'node:fs';

export interface Memory {
  /** VmRSS: every resident page, including the node binary's file-backed ones. */
  readonly rss: number;
  /** RssAnon: resident private (anonymous) memory: heap, stacks, JIT code. */
  readonly anon: number;
}

function kiB(status: string, field: string, pid: number): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rss: kiB(status, 'VmRSS', pid), anon: kiB(status, 'RssAnon', pid) };
}

/** VmRSS alone. */
export const rssBytes = (pid: number): number => memory(pid).rss;
