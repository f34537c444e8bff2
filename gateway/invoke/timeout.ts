/**
 * How long the gateway waits for one function (docs/config.md, "Timeouts"): the label
 * `com.openfaas.timeout` when set, else the function's own watchdog write_timeout (or
 * exec_timeout) from its image env and envVars (envVars win, as in the replica) plus a second
 * so the watchdog's 408 arrives before the gateway gives up; never longer than upstream_timeout.
 */
import { parseDuration } from '../../watchdog/duration.ts';
import type { FunctionState } from '../providers/provider.ts';

export const TIMEOUT_LABEL = 'com.openfaas.timeout';
const WATCHDOG_GRACE_MS = 1000;

/** Why the timeout label is unusable (deploy and update refuse it), or undefined. */
export function timeoutLabelProblem(labels: Readonly<Record<string, string>>): string | undefined {
  const v = labels[TIMEOUT_LABEL];
  if (v === undefined) return undefined;
  const ms = parseDuration(v);
  if (ms !== undefined && ms > 0) return undefined;
  return `${TIMEOUT_LABEL} ${JSON.stringify(v)} is not a duration above zero (use 30 or 1m30s)`;
}

/** The value the watchdog will see: envVars over the image's env, write_timeout over exec_timeout. */
function watchdogTimeout(fn: Pick<FunctionState, 'envVars' | 'imageEnv'>): string | undefined {
  const { envVars: d, imageEnv: i } = fn;
  return d?.write_timeout ?? i?.write_timeout ?? d?.exec_timeout ?? i?.exec_timeout;
}

/** Per call, on a cached lookup: a few property reads and at most two short parses. */
export function functionTimeoutMs(
  fn: Pick<FunctionState, 'labels' | 'envVars' | 'imageEnv'>,
  upstreamTimeoutMs: number,
): number {
  const label = fn.labels[TIMEOUT_LABEL];
  const fromLabel = label === undefined ? undefined : parseDuration(label);
  if (fromLabel !== undefined && fromLabel > 0) return Math.min(fromLabel, upstreamTimeoutMs);
  const own = watchdogTimeout(fn);
  const fromEnv = own === undefined ? undefined : parseDuration(own);
  if (fromEnv !== undefined && fromEnv > 0)
    return Math.min(fromEnv + WATCHDOG_GRACE_MS, upstreamTimeoutMs);
  return upstreamTimeoutMs;
}
