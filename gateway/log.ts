/** The gateway's logger: injected everywhere, so tests capture what a process would print. */
export interface Logger {
  info(message: string): void;
  error(message: string, err?: unknown): void;
}

export function consoleLogger(
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const line = (level: string, msg: string): void =>
    write(`${new Date().toISOString()} ${level} ${msg}\n`);
  return {
    info: (m) => line('info', m),
    error: (m, err) =>
      line(
        'error',
        err instanceof Error && err.stack && err.message !== m ? `${m}\n${err.stack}` : m,
      ),
  };
}

export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
