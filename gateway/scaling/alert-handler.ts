/**
 * Applies the alerts of one Alertmanager webhook, each on its own: a bad name, an unknown
 * function or a provider failure for one alert is reported and the others are still applied.
 * Every change goes through the Scaler (source `alert`), which logs it with its reason.
 */
import { FaasError, isFaasError } from '../contract/errors.ts';
import { nameProblem, splitQualifiedName } from '../contract/names.ts';
import type { Logger } from '../log.ts';
import type { Provider } from '../providers/provider.ts';
import { alertReplicas } from './alert.ts';
import type { FunctionAlert } from './alert.ts';
import { scaleSettings } from './labels.ts';
import type { Scaler } from './scaler.ts';

export interface AlertHandlerDeps {
  readonly provider: Pick<Provider, 'get'>;
  readonly scaler: Pick<Scaler, 'scale'>;
  readonly logger: Logger;
  /** The gateway's namespace: the only one `NAME.NAMESPACE` may name. */
  readonly namespace: string;
  /** The gateway's ceiling (max_replicas) over every function's max label. */
  readonly maxReplicas: number;
}

/** A name as it may appear in a message: bounded, and quoted so control characters show. */
const shown = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** The function an alert names, or why it cannot name one. */
function target(
  functionName: string,
  namespace: string,
): { name: string; namespace: string } | { problem: string } {
  const split = splitQualifiedName(functionName);
  const problem = nameProblem(split.name);
  if (problem) return { problem: `${shown(functionName)}: function name ${problem}` };
  if (split.namespace !== undefined && split.namespace !== namespace)
    return { problem: `${shown(functionName)}: namespace must be ${namespace}` };
  return { name: split.name, namespace };
}

async function applyAlert(alert: FunctionAlert, deps: AlertHandlerDeps): Promise<void> {
  const t = target(alert.functionName, deps.namespace);
  if ('problem' in t) throw new FaasError('INVALID_NAME', t.problem);
  const fn = await deps.provider.get(t.name, t.namespace);
  const decision = alertReplicas(
    alert.status,
    fn.replicas,
    scaleSettings(fn.labels ?? {}, deps.maxReplicas),
  );
  if (decision.action === 'skip') {
    deps.logger.info(`alert ${alert.status} for ${t.name}: not scaled (${decision.reason})`);
    return;
  }
  await deps.scaler.scale(t.name, t.namespace, {
    from: fn.replicas,
    to: decision.replicas,
    source: 'alert',
    reason: decision.reason,
  });
}

/** Applies every alert; returns one `[i] message` line per alert that failed (i = its index). */
export async function handleAlerts(
  alerts: readonly FunctionAlert[],
  deps: AlertHandlerDeps,
): Promise<string[]> {
  const failures: string[] = [];
  for (const [i, alert] of alerts.entries()) {
    try {
      await applyAlert(alert, deps);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // a user's mistake (bad name, unknown function) is listed; anything else also logged in full
      if (!isFaasError(err) || err.code === 'PROVIDER_FAILURE')
        deps.logger.error(`alert ${i} for ${shown(alert.functionName)} failed`, err);
      failures.push(`[${i}] ${message}`);
    }
  }
  if (failures.length > 0) deps.logger.info(`alerts not applied:\n  ${failures.join('\n  ')}`);
  return failures;
}
