/**
 * Rows of the gateway benchmark and their plain-text table. bench/lib/report.ts names its
 * second column "watchdog"; here the measured side is the gateway, so the (small) formatter is
 * repeated with that column renamed rather than changing the shared one.
 */
export interface GatewayRow {
  readonly scenario: string;
  readonly metric: string;
  readonly baseline: string;
  readonly gateway: string;
  /** A ratio or a difference, whichever the target is stated in. */
  readonly compare: string;
  readonly target: string;
  /** undefined: informational, no target. */
  readonly met: boolean | undefined;
}

export interface GatewayScenarioResult {
  readonly name: string;
  readonly rows: readonly GatewayRow[];
  /** Raw figures for the JSON file. */
  readonly data: Record<string, unknown>;
}

const COLUMNS = ['scenario', 'metric', 'baseline', 'gateway', 'compare', 'target', 'met'] as const;

const cell = (row: GatewayRow, c: (typeof COLUMNS)[number]): string =>
  c === 'met' ? (row.met === undefined ? '' : row.met ? 'yes' : 'NO') : row[c];

export function formatTable(rows: readonly GatewayRow[]): string {
  const widths = COLUMNS.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((s, i) => s.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(COLUMNS.map((c) => cell(r, c)))),
  ].join('\n');
}
