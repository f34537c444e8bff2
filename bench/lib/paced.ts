/**
 * Open-loop latency: one request at a time on one keep-alive connection, a new one started
 * every `intervalMs` (or as soon as the last is answered, when it took longer), each timed
 * from just before it is written to its last response byte.
 */
import { Agent, request } from 'node:http';
import { sleep } from './processes.ts';

export interface PacedOptions {
  readonly url: string;
  readonly body: string;
  readonly warmup: number;
  readonly count: number;
  readonly intervalMs: number;
  /** Per request. */
  readonly timeoutMs?: number;
}

/** Latencies in ms of the `count` measured requests (warm-up ones are dropped). */
export async function pacedLatencies(o: PacedOptions): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  try {
    for (let i = 0; i < o.warmup + o.count; i++) {
      const next = performance.now() + o.intervalMs;
      const ms = await timedPost(agent, o.url, o.body, o.timeoutMs ?? 10_000);
      if (i >= o.warmup) samples.push(ms);
      await sleep(Math.max(0, next - performance.now()));
    }
  } finally {
    agent.destroy();
  }
  return samples;
}

/**
 * One POST of `body` on `agent` (a keep-alive one, so the connection is reused), timed in ms
 * from just before it is written to its last response byte; rejects on a non-2xx status, an
 * error, or no answer within `timeoutMs`.
 */
export function timedPost(
  agent: Agent,
  url: string,
  body: string,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, {
      agent,
      method: 'POST',
      headers: { 'Content-Length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    });
    req.once('timeout', () => req.destroy(new Error(`${url}: no answer in ${timeoutMs}ms`)));
    req.once('error', reject);
    req.once('response', (res) => {
      res.resume();
      res.once('end', () => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) reject(new Error(`${url}: status ${status}`));
        else resolve(performance.now() - start);
      });
    });
    req.end(body);
  });
}
