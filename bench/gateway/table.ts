/**
 * Rows of the gateway benchmark: bench/lib/report.ts's rows with the measured side named
 * "gateway" and the ratio column "compare", printed by its formatTable with GATEWAY_COLUMNS.
 */
import type { Row, ScenarioResult } from '../lib/report.ts';

export interface GatewayRow extends Omit<Row, 'watchdog' | 'ratio'> {
  readonly gateway: string;
  /** A ratio or a difference, whichever the target is stated in. */
  readonly compare: string;
}

export type GatewayScenarioResult = ScenarioResult<GatewayRow>;

/** The columns of a `GatewayRow`, in the order they are printed. */
export const GATEWAY_COLUMNS = [
  'scenario',
  'metric',
  'baseline',
  'gateway',
  'compare',
  'target',
  'met',
] as const satisfies readonly (keyof GatewayRow)[];

/** A row with no target: informational figures only. */
export function infoRow(
  scenario: string,
  metric: string,
  baseline: string,
  gateway: string,
  compare = '',
): GatewayRow {
  return { scenario, metric, baseline, gateway, compare, target: '', met: undefined };
}
