/**
 * Errors of the stack file module. Each carries a code from this catalogue and, for schema
 * problems, every problem found (not only the first), each naming file, line and field.
 *
 * @module
 */
export const STACK_ERROR_CODES = {
  STACK_NOT_FOUND: 'no stack file at the given path, nor stack.yml or stack.yaml by default',
  STACK_URL_UNSUPPORTED: '-f was given a URL; only local stack files are read',
  STACK_UNREADABLE: 'the stack file or one of its environment_file entries cannot be read',
  STACK_SYNTAX: 'the file is not well-formed YAML',
  STACK_INVALID: 'the YAML does not follow the stack file schema',
  STACK_SELECT: '--filter or --regex is malformed, both are given, or nothing matches',
} as const;

export type StackErrorCode = keyof typeof STACK_ERROR_CODES;

export class StackError extends Error {
  override readonly name = 'StackError';
  /** One line per problem; `message` is these lines joined. */
  readonly problems: readonly string[];
  constructor(
    readonly code: StackErrorCode,
    problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(problems.join('\n'), options);
    this.problems = problems;
  }
}

export const isStackError = (err: unknown, code?: StackErrorCode): err is StackError =>
  err instanceof StackError && (code === undefined || err.code === code);
