/**
 * Typed reads of an injected environment that collect one problem per malformed value instead
 * of falling back to a default, so a process can refuse to start naming every bad key. Shared
 * by the watchdog and the gateway (the watchdog imports nothing else from the repository).
 */
import { MAX_DURATION_MS, formatDuration, parseDuration } from './duration.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const SIZE = /^(\d+)\s*(k|ki|kb|m|mi|mb|g|gi|gb)?$/i;
const SIZE_UNIT: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Reads values one key at a time, collecting a problem for each malformed one. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(...keys: string[]): string | undefined {
    for (const k of keys) {
      const v = this.env[k];
      if (v !== undefined && v.trim() !== '') return v;
    }
    return undefined;
  }

  bad(key: string, value: string, want: string): undefined {
    this.problems.push(`${key}=${JSON.stringify(value)} is not ${want}`);
    return undefined;
  }

  duration(key: string, fallback: number, min = 0): number {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    const ms = parseDuration(v);
    if (ms === undefined) return this.bad(key, v, 'a duration (use 10 or 1m30s)') ?? fallback;
    if (ms < min) return this.bad(key, v, `at least ${formatDuration(min)}`) ?? fallback;
    if (ms > MAX_DURATION_MS) {
      const max = formatDuration(MAX_DURATION_MS);
      return this.bad(key, v, `at most ${max}, the longest timer Node.js keeps`) ?? fallback;
    }
    return ms;
  }

  /**
   * The classic watchdog's boolean (CONTRACT §3.1): only the exact string `true` is true, any
   * other value is false, unset or empty keeps the default. Lenient on purpose: OpenFaaS images
   * that set `cgi_headers=1` or `TRUE` must keep starting, with the meaning they had there.
   */
  classicBool(key: string, fallback: boolean): boolean {
    const v = this.env[key];
    return v === undefined || v === '' ? fallback : v === 'true';
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw(key)?.trim().toLowerCase();
    if (v === undefined) return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    return this.bad(key, this.raw(key)!, 'true or false') ?? fallback;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    const n = /^\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    return this.bad(key, v, `a whole number from ${min} to ${max}`) ?? fallback;
  }

  size(key: string, fallback: number): number {
    const v = this.raw(key);
    if (v === undefined) return fallback;
    const m = SIZE.exec(v.trim());
    if (!m) return this.bad(key, v, 'a size in bytes (e.g. 10485760 or 10Mi)') ?? fallback;
    return Number(m[1]) * (m[2] ? SIZE_UNIT[m[2][0]!.toLowerCase()]! : 1);
  }
}
