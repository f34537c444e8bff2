/**
 * Polling to a deadline for integration tests: no fixed sleeps, and on timeout the error says
 * what was awaited and the last value seen.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** Calls `probe` until `ok` holds for its value; returns that value. */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  ok: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 25 }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen = lastError === undefined ? inspect(last) : String(lastError);
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; last: ${seen}`);
    }
    await sleep(intervalMs);
  }
}
