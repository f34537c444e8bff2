/**
 * A CLI failure: one line for stderr, and the exit code. Stack traces only with FAAS_DEBUG=1.
 */
import { StackError } from './stack/errors.ts';

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * The line main.ts prints for a failure (without FAAS_DEBUG=1). A stack file with several
 * problems gives the first and a count, so the first thing to fix is never scrolled away.
 */
export function failureLine(err: unknown): string {
  if (err instanceof StackError && err.problems.length > 1) {
    const more = err.problems.length - 1;
    return `Error: ${err.problems[0]} (and ${more} more; FAAS_DEBUG=1 lists all)`;
  }
  return `Error: ${err instanceof Error ? err.message : String(err)}`;
}

/** A commander message (`error: …`, maybe with a `(Did you mean …?)` line) as one line. */
export function commanderLine(text: string): string {
  return `${text
    .trim()
    .replace(/^error: /, 'Error: ')
    .replace(/\s*\n\s*/g, ' ')}\n`;
}
