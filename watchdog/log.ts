/**
 * Log lines as Go's log package writes them (`2006/01/02 15:04:05 message`): the OpenFaaS
 * certifier greps watchdog logs for `Forking fprocess` after stripping such a prefix.
 */
export interface Logger {
  log(message: string): void;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function goLogPrefix(d: Date): string {
  const date = `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} `;
}

export function createLogger(
  write: (text: string) => void,
  prefix: boolean,
  now: () => Date = () => new Date(),
): Logger {
  return {
    log(message) {
      write(`${prefix ? goLogPrefix(now()) : ''}${message}\n`);
    },
  };
}

/** Splits a child's output into lines for the log, holding a partial last line until more comes. */
export function lineLogger(
  logger: Logger,
  label: string,
): { write(chunk: Buffer): void; end(): void } {
  let rest = '';
  return {
    write(chunk) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) logger.log(`${label}${line}`);
    },
    end() {
      if (rest !== '') logger.log(`${label}${rest}`);
      rest = '';
    },
  };
}
