/**
 * `--filter` and `--regex`: which functions of a stack a command acts on. Pure.
 *
 * - Neither: every function.
 * - `--filter GLOB`: names matching the whole glob, where `*` stands for any run of characters
 *   (faas-cli's go-glob; no `?` or `[...]`).
 * - `--regex RE`: names in which the JavaScript regular expression finds a match (unanchored,
 *   like Go's `regexp.MatchString`; anchor with `^...$` for whole names).
 * - Both: an error, as in faas-cli. A filter that matches nothing is an error too, so that a
 *   typo does not turn `faas deploy` into a silent no-op.
 *
 * @module
 */
import { StackError } from './errors.ts';

export type Selection = { filter?: string; regex?: string };

export function selectFunctions<T extends { name: string }>(
  functions: readonly T[],
  selection: Selection,
): T[] {
  const { filter, regex } = selection;
  if (filter !== undefined && regex !== undefined) {
    throw new StackError('STACK_SELECT', [
      '--filter and --regex cannot be used together; pick one',
    ]);
  }
  if (filter !== undefined) return pick(functions, '--filter', filter, globMatcher(filter));
  if (regex !== undefined) return pick(functions, '--regex', regex, regexMatcher(regex));
  return [...functions];
}

function pick<T extends { name: string }>(
  functions: readonly T[],
  flag: string,
  pattern: string,
  matches: (name: string) => boolean,
): T[] {
  const selected = functions.filter((fn) => matches(fn.name));
  if (selected.length === 0) {
    throw new StackError('STACK_SELECT', [
      `no function in the stack file matches ${flag} ${JSON.stringify(pattern)}`,
    ]);
  }
  return selected;
}

/** A whole-name matcher for a glob where `*` is any run of characters. */
export function globMatcher(glob: string): (name: string) => boolean {
  const parts = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`^${parts.join('.*')}$`, 's');
  return (name) => pattern.test(name);
}

function regexMatcher(source: string): (name: string) => boolean {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source);
  } catch (err) {
    throw new StackError('STACK_SELECT', [
      `--regex ${JSON.stringify(source)} is not a valid regular expression: ${(err as Error).message}`,
    ]);
  }
  return (name) => pattern.test(name);
}
