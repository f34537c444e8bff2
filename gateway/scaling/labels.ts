/**
 * A function's scaling settings, read from its labels (CONTRACT §1.6 plus the built-in
 * autoscaler's target/type and scale-to-zero). Pure: every default is here. Deploy and update
 * refuse a label that does not parse (scaleLabelProblems); one stored before that check falls
 * back to its default rather than failing the function.
 */
import { parseDuration } from '../../watchdog/duration.ts';

export const SCALE_LABELS = Object.freeze({
  min: 'com.openfaas.scale.min',
  max: 'com.openfaas.scale.max',
  factor: 'com.openfaas.scale.factor',
  target: 'com.openfaas.scale.target',
  type: 'com.openfaas.scale.type',
  zero: 'com.openfaas.scale.zero',
  zeroDuration: 'com.openfaas.scale.zero-duration',
});

export const SCALE_DEFAULTS = Object.freeze({
  min: 1,
  max: 20,
  factor: 20,
  /** Requests/s (rps) or requests in flight (capacity) one replica should carry. */
  target: 50,
  type: 'rps' as ScaleType,
  zeroDurationMs: 5 * 60_000,
});

export type ScaleType = 'rps' | 'capacity';

export interface ScaleSettings {
  readonly min: number;
  readonly max: number;
  /** Alert-path step as a percentage of max; 0 or out of 1..100 → the alert path skips it. */
  readonly factor: number;
  readonly target: number;
  readonly type: ScaleType;
  readonly zero: boolean;
  readonly zeroDurationMs: number;
}

/** A whole number from lo to hi (surrounding blanks allowed), or undefined. */
function wholeIn(v: string | undefined, lo: number, hi = Number.POSITIVE_INFINITY) {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return undefined;
  const n = Number(v);
  return n >= lo && n <= hi ? n : undefined;
}

const whole = (v: string | undefined, fallback: number, lo: number): number =>
  wholeIn(v, lo) ?? fallback;

const SCALE_TYPES: readonly ScaleType[] = ['rps', 'capacity'];

/** A function's initial (and post-update) replicas: `com.openfaas.scale.min` when valid. */
export function initialReplicas(labels: Readonly<Record<string, string>>, otherwise = 1): number {
  return wholeIn(labels[SCALE_LABELS.min], 0) ?? otherwise;
}

/**
 * What each label must be at deploy. Factor stops at 100 here, while scaleSettings keeps a
 * stored 150 so the alert path can report and skip it.
 */
const RULES: readonly (readonly [label: string, want: string, ok: (v: string) => boolean])[] = [
  [SCALE_LABELS.min, 'a whole number of 0 or more', (v) => wholeIn(v, 0) !== undefined],
  [SCALE_LABELS.max, 'a whole number of 1 or more', (v) => wholeIn(v, 1) !== undefined],
  [SCALE_LABELS.factor, 'a whole number from 0 to 100', (v) => wholeIn(v, 0, 100) !== undefined],
  [SCALE_LABELS.target, 'a whole number of 1 or more', (v) => wholeIn(v, 1) !== undefined],
  [SCALE_LABELS.type, SCALE_TYPES.join(' or '), (v) => SCALE_TYPES.includes(v.trim() as ScaleType)],
  [SCALE_LABELS.zero, 'true or false', (v) => /^\s*(true|false)\s*$/i.test(v)],
  [SCALE_LABELS.zeroDuration, 'a duration (300 or 5m)', (v) => parseDuration(v) !== undefined],
];

/** One message per bad com.openfaas.scale.* label, naming the label and its value. */
export function scaleLabelProblems(labels: Readonly<Record<string, string>>): string[] {
  const problems = RULES.flatMap(([label, want, ok]) => {
    const v = labels[label];
    return v === undefined || ok(v) ? [] : [`${label} ${JSON.stringify(v)} is not ${want}`];
  });
  const min = wholeIn(labels[SCALE_LABELS.min], 0);
  const max = wholeIn(labels[SCALE_LABELS.max], 1);
  if (min !== undefined && max !== undefined && max < min) {
    problems.push(`${SCALE_LABELS.max} ${max} is below ${SCALE_LABELS.min} ${min}`);
  }
  return problems;
}

/** `maxReplicas` is the gateway's ceiling (max_replicas): no label scales past it. */
export function scaleSettings(
  labels: Readonly<Record<string, string>>,
  maxReplicas = Number.POSITIVE_INFINITY,
): ScaleSettings {
  const min = Math.min(whole(labels[SCALE_LABELS.min], SCALE_DEFAULTS.min, 0), maxReplicas);
  const max = Math.min(
    Math.max(whole(labels[SCALE_LABELS.max], SCALE_DEFAULTS.max, 1), min),
    maxReplicas,
  );
  const factor = whole(labels[SCALE_LABELS.factor], SCALE_DEFAULTS.factor, 0);
  const type = labels[SCALE_LABELS.type]?.trim();
  const zeroRaw = labels[SCALE_LABELS.zeroDuration];
  const zeroDurationMs =
    (zeroRaw === undefined ? undefined : parseDuration(zeroRaw)) ?? SCALE_DEFAULTS.zeroDurationMs;
  return {
    min,
    max,
    factor,
    target: whole(labels[SCALE_LABELS.target], SCALE_DEFAULTS.target, 1),
    type: type === 'capacity' ? 'capacity' : 'rps',
    zero: labels[SCALE_LABELS.zero]?.trim().toLowerCase() === 'true',
    zeroDurationMs,
  };
}
