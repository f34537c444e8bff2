/** What a scenario hands back, and how the results are printed and saved. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Row {
  readonly scenario: string;
  readonly metric: string;
  readonly baseline: string;
  readonly watchdog: string;
  readonly ratio: string;
  readonly target: string;
  /** undefined: informational, no target. */
  readonly met: boolean | undefined;
}

export interface ScenarioResult {
  readonly name: string;
  readonly rows: readonly Row[];
  /** Raw figures for the JSON file. */
  readonly data: Record<string, unknown>;
}

const COLUMNS = ['scenario', 'metric', 'baseline', 'watchdog', 'ratio', 'target', 'met'] as const;

const cell = (row: Row, c: (typeof COLUMNS)[number]): string =>
  c === 'met' ? (row.met === undefined ? '' : row.met ? 'yes' : 'NO') : row[c];

/** A plain-text table, columns padded to their widest cell. */
export function formatTable(rows: readonly Row[]): string {
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

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
