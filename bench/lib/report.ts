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

export interface ScenarioResult<R = Row> {
  readonly name: string;
  readonly rows: readonly R[];
  /** Raw figures for the JSON file. */
  readonly data: Record<string, unknown>;
}

/** The columns of a `Row`, in the order they are printed. */
export const COLUMNS = [
  'scenario',
  'metric',
  'baseline',
  'watchdog',
  'ratio',
  'target',
  'met',
] as const satisfies readonly (keyof Row)[];

/** A text cell as is; a boolean (whether a target was met) as yes / NO; undefined as blank. */
const cell = (value: string | boolean | undefined): string =>
  value === undefined ? '' : typeof value === 'boolean' ? (value ? 'yes' : 'NO') : value;

/**
 * A plain-text table of `rows` with the given columns (named after the row fields they show,
 * in that order), columns padded to their widest cell.
 */
export function formatTable<C extends string>(
  columns: readonly C[],
  rows: readonly { readonly [K in C]: string | boolean | undefined }[],
): string {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((s, i) => s.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join('\n');
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
