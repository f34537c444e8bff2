/**
 * A CLI failure: one line for stderr, and the exit code. Stack traces only with FAAS_DEBUG=1.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
