/**
 * A function's scaling settings, read from its labels (CONTRACT §1.6 plus the built-in
 * autoscaler's target/type and scale-to-zero). Pure: every default is here, and a label
 * that does not parse falls back to its default rather than failing the function.
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

function whole(v: string | undefined, fallback: number, lo: number): number {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return fallback;
  const n = Number(v);
  return n >= lo ? n : fallback;
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
