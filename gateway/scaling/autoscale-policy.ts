/**
 * The built-in autoscaler's decisions, as pure functions of (history, now, settings, current
 * replicas, the last change): no timers, no I/O, so they are tested as timelines
 * (test/gateway/scaling/autoscale-policy.test.ts). autoscaler.ts samples and applies them.
 *
 * - Load per sample: rps is the completion rate over the last RATE_WINDOW_MS of samples;
 *   capacity is the average number in flight over the same span.
 * - desired = ceil(load / target), bounded by [max(min, 1), max]. A function at 0 with no load
 *   stays at 0 (a call scales it from zero; see cold-start.ts).
 * - Up at once; down only to the highest desired value of the last `windowMs` (the stabilisation
 *   window), and only once the history covers that window.
 * - Within `windowMs` of an alert's or a scale request's change, no move against its direction,
 *   so the mechanisms do not undo each other (`scaling=both`) or what a user just asked for.
 * - min == max: scaling is off for that function (as on the alert path).
 */
import type { LoadSample } from './load-signals.ts';
import type { ScaleSettings } from './labels.ts';
import type { ScaleChange } from './scaler.ts';

/** The span a load figure is measured over: one default tick, so a ramp is seen at once. */
export const RATE_WINDOW_MS = 2000;

export interface Decision {
  readonly replicas: number;
  readonly reason: string;
}

type Policy = Pick<ScaleSettings, 'min' | 'max' | 'target' | 'type'>;

/** Load (rps or average in flight) at history[i], or undefined with nothing to compare. */
export function loadAt(history: readonly LoadSample[], i: number, type: Policy['type']): number {
  const s = history[i];
  if (!s) return 0;
  let j = i - 1;
  while (j > 0 && s.at - history[j - 1]!.at <= RATE_WINDOW_MS) j--;
  const from = history[j];
  if (!from || s.at <= from.at) return type === 'capacity' ? s.inFlight : 0;
  const seconds = (s.at - from.at) / 1000;
  if (type === 'capacity') return (s.busyMs - from.busyMs) / 1000 / seconds;
  return Math.max(0, s.completed - from.completed) / seconds;
}

/** Replicas the load at history[i] calls for, within the function's bounds. */
function desiredAt(history: readonly LoadSample[], i: number, p: Policy): number {
  const load = loadAt(history, i, p.type);
  const wanted = Math.ceil(load / p.target - 1e-9);
  return Math.min(Math.max(wanted, p.min, 1), p.max);
}

const describe = (load: number, p: Policy): string =>
  p.type === 'capacity'
    ? `${load.toFixed(1)} in flight over target ${p.target}/replica`
    : `${load.toFixed(1)} rps over target ${p.target}/replica`;

/** True when an alert or a scale request changed replicas within the window the other way. */
function againstDecision(
  last: ScaleChange | undefined,
  now: number,
  windowMs: number,
  up: boolean,
) {
  if (!last || (last.source !== 'alert' && last.source !== 'api')) return false;
  if (now - last.at >= windowMs) return false;
  return up ? last.to < last.from : last.to > last.from;
}

/**
 * The built-in autoscaler's move for one function, or undefined to leave it. `history` is the
 * function's samples, oldest first, the newest taken at `now`.
 */
export function decide(
  history: readonly LoadSample[],
  now: number,
  settings: Policy,
  current: number,
  lastChange: ScaleChange | undefined,
  windowMs: number,
): Decision | undefined {
  const newest = history.length - 1;
  if (newest < 0 || settings.min === settings.max) return undefined;
  const load = loadAt(history, newest, settings.type);
  if (current === 0 && load === 0) return undefined;
  const desired = desiredAt(history, newest, settings);
  if (desired > current) {
    if (againstDecision(lastChange, now, windowMs, true)) return undefined;
    return { replicas: desired, reason: describe(load, settings) };
  }
  if (desired === current) return undefined;
  const oldest = history[0]!;
  if (now - oldest.at < windowMs || againstDecision(lastChange, now, windowMs, false))
    return undefined;
  let peak = desired;
  for (let i = newest - 1; i >= 0 && now - history[i]!.at <= windowMs; i--) {
    peak = Math.max(peak, desiredAt(history, i, settings));
  }
  if (peak >= current) return undefined;
  const seconds = Math.round(windowMs / 1000);
  return { replicas: peak, reason: `${describe(load, settings)}, lower for ${seconds}s` };
}

/**
 * Scale to zero: a function labelled com.openfaas.scale.zero=true with nothing in flight and no
 * request for its zero-duration goes to 0. `since` is when the gateway started watching it
 * (a function nobody has called since the gateway started counts as idle from then).
 */
export function idle(
  sample: Pick<LoadSample, 'at' | 'inFlight' | 'lastRequestAt'>,
  settings: Pick<ScaleSettings, 'zero' | 'zeroDurationMs'>,
  current: number,
  since: number,
  canScaleToZero: boolean,
): Decision | undefined {
  if (!canScaleToZero || !settings.zero || current === 0 || sample.inFlight > 0) return undefined;
  const quietSince = Math.max(sample.lastRequestAt ?? since, since);
  if (sample.at - quietSince < settings.zeroDurationMs) return undefined;
  return { replicas: 0, reason: `no request for ${formatSeconds(sample.at - quietSince)}` };
}

const formatSeconds = (ms: number): string => `${Math.round(ms / 1000)}s`;
