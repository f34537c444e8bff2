/**
 * One function's recent log lines in a bounded ring buffer, read with the provider contract's
 * filters (instance, since, tail) and, when following, waiting for new lines until the caller's
 * AbortSignal fires or the buffer is closed (the function was removed).
 */
import type { LogLine } from '../../contract/types.ts';

export interface LogQuery {
  instance?: string;
  /** Lines from the end of what is buffered; undefined = all. */
  tail?: number;
  since?: Date;
  follow: boolean;
}

export const DEFAULT_LOG_CAPACITY = 1000;

export class LogBuffer {
  readonly #lines: LogLine[] = [];
  /** How many lines have fallen off the front: line i has sequence number dropped + i. */
  #dropped = 0;
  #closed = false;
  readonly #waiters = new Set<() => void>();

  constructor(readonly capacity = DEFAULT_LOG_CAPACITY) {}

  push(line: LogLine): void {
    if (this.#closed) return;
    this.#lines.push(line);
    if (this.#lines.length > this.capacity) {
      this.#lines.shift();
      this.#dropped++;
    }
    this.#wake();
  }

  /** Ends every follower; later pushes are ignored. */
  close(): void {
    this.#closed = true;
    this.#wake();
  }

  async *read(q: LogQuery, signal: AbortSignal): AsyncGenerator<LogLine> {
    const since = q.since?.getTime();
    const matches = (l: LogLine): boolean =>
      (q.instance === undefined || l.instance === q.instance) &&
      (since === undefined || Date.parse(l.timestamp) >= since);
    const backlog = this.#lines.filter(matches);
    let seq = this.#dropped + this.#lines.length;
    yield* q.tail === undefined ? backlog : backlog.slice(backlog.length - q.tail);
    if (!q.follow) return;
    for (;;) {
      seq = Math.max(seq, this.#dropped); // a slow reader loses what fell off the front
      while (seq < this.#dropped + this.#lines.length && !signal.aborted) {
        const line = this.#lines[seq - this.#dropped];
        seq++;
        if (line && matches(line)) yield line;
      }
      if (signal.aborted || this.#closed) return;
      await this.#next(signal);
    }
  }

  #wake(): void {
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  /** Resolves on the next push, on close or on abort. */
  #next(signal: AbortSignal): Promise<void> {
    if (signal.aborted || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
