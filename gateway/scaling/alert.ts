/**
 * The alert path's pure half (CONTRACT §1.6, 2018/19 rules): read an Alertmanager webhook body
 * and decide one function's replicas from an alert's status, its current replicas and its scale
 * labels. gateway/routes/alert.ts and ./alert-handler.ts do the I/O.
 *
 * @example
 * alertReplicas('firing', 1, scaleSettings({ 'com.openfaas.scale.max': '4',
 *   'com.openfaas.scale.factor': '50' })) // → { action: 'scale', replicas: 3, … }
 */
import { FaasError } from '../contract/errors.ts';
import type { ScaleSettings } from './labels.ts';

export type AlertStatus = 'firing' | 'resolved';

/** One alert of a webhook body: only these two fields steer scaling. */
export interface FunctionAlert {
  readonly status: AlertStatus;
  /** `labels.function_name` as sent: `NAME` or `NAME.NAMESPACE`, not yet validated as a name. */
  readonly functionName: string;
}

export type AlertDecision =
  | { readonly action: 'scale'; readonly replicas: number; readonly reason: string }
  | { readonly action: 'skip'; readonly reason: string };

/** The contract's message; the detail after it says which field was wrong. */
export const BAD_FORMAT = 'Unable to parse alert, bad format.';
export const BODY_REQUIRED = 'A body is required for this endpoint';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function alertProblem(a: unknown, i: number): string | undefined {
  if (!isObj(a)) return `alerts[${i}]: must be an object`;
  if (a.status !== 'firing' && a.status !== 'resolved')
    return `alerts[${i}].status: must be "firing" or "resolved"`;
  if (!isObj(a.labels)) return `alerts[${i}].labels: must be an object`;
  const name = a.labels.function_name;
  if (typeof name !== 'string' || name === '')
    return `alerts[${i}].labels.function_name: must be a non-empty string`;
  return undefined;
}

/**
 * The alerts of an Alertmanager webhook body. INVALID_REQUEST (BAD_FORMAT plus the first problem)
 * unless it is an object with an `alerts` array whose every entry has a `firing`/`resolved`
 * status and a string `labels.function_name`. Other fields are ignored.
 */
export function parseAlerts(body: unknown): FunctionAlert[] {
  const fail = (detail: string): never => {
    throw new FaasError('INVALID_REQUEST', `${BAD_FORMAT} ${detail}`);
  };
  if (!isObj(body)) return fail('The body must be a JSON object');
  if (!Array.isArray(body.alerts)) return fail('alerts: must be an array');
  const alerts: unknown[] = body.alerts;
  return alerts.map((a, i) => {
    const problem = alertProblem(a, i);
    if (problem) return fail(problem);
    const alert = a as { status: AlertStatus; labels: { function_name: string } };
    return { status: alert.status, functionName: alert.labels.function_name };
  });
}

/**
 * Replicas for one alert: firing → min(current + step, max) with step = ceil(max × factor / 100);
 * resolved → min. Skipped when the factor is outside 1..100 (0 switches the alert path off for
 * the function) or min == max. A function scaled to zero stays there on `resolved`: the load that
 * raised the alert is gone, so waking it would only undo scale to zero.
 */
export function alertReplicas(
  status: AlertStatus,
  current: number,
  settings: Pick<ScaleSettings, 'min' | 'max' | 'factor'>,
): AlertDecision {
  const { min, max, factor } = settings;
  if (factor < 1 || factor > 100)
    return { action: 'skip', reason: `scale factor ${factor} is outside 1..100` };
  if (min === max) return { action: 'skip', reason: `min == max (${max}): scaling is off` };
  if (status === 'resolved') {
    if (current === 0) return { action: 'skip', reason: 'resolved, and already at zero' };
    return { action: 'scale', replicas: min, reason: `alert resolved: back to min ${min}` };
  }
  const step = Math.ceil((max * factor) / 100);
  const replicas = Math.min(current + step, max);
  return {
    action: 'scale',
    replicas,
    reason: `alert firing: +${step} (${factor}% of max ${max}), capped at ${max}`,
  };
}
