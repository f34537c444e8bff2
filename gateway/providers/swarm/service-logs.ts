/**
 * Service logs as LogLines. The engine sends them multiplexed (8-byte frame headers: stream,
 * 0, 0, 0, size) and, with `timestamps` and `details`, each line reads
 * `<RFC3339Nano> com.docker.swarm.node.id=…,com.docker.swarm.service.id=…,com.docker.swarm.task.id=… <text>`.
 * Parsing is pure; reading honours an AbortSignal.
 *
 * @module
 */
import type { LogLine, LogRequest } from '../../contract/types.ts';

const TASK_KEY = 'com.docker.swarm.task.id';

/** One log line of the engine, without its line break; undefined when it has no timestamp. */
export function parseLogLine(
  raw: string,
  who: { name: string; namespace: string },
): LogLine | undefined {
  const first = raw.indexOf(' ');
  const timestamp = first < 0 ? raw : raw.slice(0, first);
  if (Number.isNaN(Date.parse(timestamp))) return undefined;
  const rest = first < 0 ? '' : raw.slice(first + 1);
  const second = rest.indexOf(' ');
  const details = second < 0 ? rest : rest.slice(0, second);
  const text = second < 0 ? '' : rest.slice(second + 1);
  let instance = '';
  for (const pair of details.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === TASK_KEY) instance = pair.slice(eq + 1);
  }
  return { name: who.name, namespace: who.namespace, instance, timestamp, text };
}

/** A sort key for RFC3339Nano times, whose fraction Go trims of trailing zeros. */
export function timeKey(timestamp: string): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return timestamp;
  const fraction = /T[^.]*\.(\d+)/.exec(timestamp)?.[1] ?? '';
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction.padEnd(9, '0')}`;
}

/**
 * Splits a multiplexed log stream into lines, frame by frame, keeping partial frames and
 * partial lines until the rest arrives.
 */
export async function* demuxLines(chunks: AsyncIterable<Buffer | string>): AsyncIterable<string> {
  let pending = Buffer.alloc(0);
  const partial = ['', '', ''];
  for await (const chunk of chunks) {
    pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const stream = pending[0] === 2 ? 2 : 1;
      const text = partial[stream] + pending.subarray(8, 8 + size).toString('utf8');
      pending = pending.subarray(8 + size);
      const lines = text.split('\n');
      partial[stream] = lines.pop() ?? '';
      yield* lines;
    }
  }
  for (const rest of partial) if (rest !== '') yield rest;
}

/** Iterates `stream` until it ends or `signal` aborts (then it is destroyed, without error). */
export async function* untilAborted(
  stream: NodeJS.ReadableStream & { destroy?: () => void },
  signal: AbortSignal,
): AsyncIterable<Buffer | string> {
  const stop = (): void => stream.destroy?.();
  if (signal.aborted) return stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of stream) yield chunk;
  } catch (err) {
    if (!signal.aborted) throw err;
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
  }
}

/** What the engine's service-logs call is asked for. */
export interface LogOptions {
  stdout: true;
  stderr: true;
  timestamps: true;
  details: true;
  follow: boolean;
  tail?: number;
  since?: number;
  abortSignal: AbortSignal;
}

/**
 * The LogLines of one function's service. `fetch` makes the engine call with `opts`. Without
 * `follow`, lines of all replicas are ordered by time before `tail` applies.
 */
export async function* serviceLogs(
  req: LogRequest,
  signal: AbortSignal,
  fetch: (opts: LogOptions) => Promise<Buffer | NodeJS.ReadableStream>,
): AsyncIterable<LogLine> {
  const raw = await fetch({
    stdout: true,
    stderr: true,
    timestamps: true,
    details: true,
    follow: req.follow,
    // without follow, tail is applied below to the merged, time-ordered lines
    ...(req.follow && req.tail !== undefined ? { tail: req.tail } : {}),
    ...(req.since ? { since: req.since.getTime() / 1000 } : {}),
    abortSignal: signal,
  });
  const who = { name: req.name, namespace: req.namespace };
  const chunks = Buffer.isBuffer(raw) ? [raw] : untilAborted(raw, signal);
  const lines = async function* (): AsyncIterable<LogLine> {
    for await (const line of demuxLines(toAsync(chunks))) {
      const l = parseLogLine(line, who);
      if (l !== undefined && (req.instance === undefined || l.instance === req.instance)) yield l;
    }
  };
  if (req.follow) return yield* lines();
  const all: LogLine[] = [];
  for await (const l of lines()) all.push(l);
  const sorted = all
    .map((l, i) => ({ l, i, k: timeKey(l.timestamp) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.l);
  yield* req.tail === undefined ? sorted : sorted.slice(Math.max(0, sorted.length - req.tail));
}

async function* toAsync<T>(items: Iterable<T> | AsyncIterable<T>): AsyncIterable<T> {
  yield* items;
}
