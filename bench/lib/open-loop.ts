/**
 * Open-loop load at a fixed rate: a POST started every 1/rps seconds on a schedule (not when
 * the last one is answered), as traffic that does not slow down for a busy function arrives.
 * Bounded by `maxMs`; `stop()` ends it early and waits for the requests in flight.
 */
import { Agent, request } from 'node:http';

export interface OpenLoopCounts {
  sent: number;
  ok: number;
  failed: number;
}

export interface OpenLoop {
  readonly counts: OpenLoopCounts;
  stop(): Promise<OpenLoopCounts>;
}

export function openLoop(url: string, rps: number, maxMs: number, body = 'ping'): OpenLoop {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts: OpenLoopCounts = { sent: 0, ok: 0, failed: 0 };
  const start = performance.now();
  let stopped = false;
  const post = (): Promise<void> =>
    new Promise((resolve) => {
      counts.sent++;
      const req = request(url, { agent, method: 'POST', timeout: 10_000 }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode === 200) counts.ok++;
          else counts.failed++;
          resolve();
        });
      });
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', () => {
        counts.failed++;
        resolve();
      });
      req.end(body);
    });
  const inFlight = new Set<Promise<void>>();
  const done = (async () => {
    for (let i = 0; !stopped && performance.now() - start < maxMs; i++) {
      const p: Promise<void> = post().finally(() => inFlight.delete(p));
      inFlight.add(p);
      const next = start + ((i + 1) * 1000) / rps;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    await Promise.all(inFlight);
    agent.destroy();
  })();
  return {
    counts,
    async stop() {
      stopped = true;
      await done;
      return counts;
    },
  };
}
