/**
 * Durations as OpenFaaS writes them: a bare number of seconds (`10`, `1.5`) or a Go duration
 * (`1m30s`, `500ms`, `2h`). Returns milliseconds, or undefined when the text is neither.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * The longest delay Node's timers keep (2^31-1 ms, about 24.8 days): a longer one fires after
 * 1 ms, so every timeout built from it would trip at once.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

const SECONDS = /^\d+(\.\d+)?$/;
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const GO_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (SECONDS.test(t)) return Number(t) * 1000;
  if (!GO_DURATION.test(t)) return undefined;
  let ms = 0;
  for (const [, value, unit] of t.matchAll(GO_PART)) ms += Number(value) * (UNIT_MS[unit!] ?? 0);
  return ms;
}

/** Formats milliseconds the way Go prints a time.Duration, for log lines and messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
