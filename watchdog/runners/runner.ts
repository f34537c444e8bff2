/**
 * A runner is one way of executing the handler for a request (docs/decisions/0001-watchdog-modes.md):
 * the server owns routing, limits, health and metrics; the runner owns the process.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WatchdogConfig } from '../config.ts';
import type { Logger } from '../log.ts';

export interface Runner {
  /** Serves one request; settles once the response is sent or the client has gone. */
  run(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Whether requests can be served now (http mode: the upstream answers). */
  ready(): boolean;
  /** Stops every process the runner keeps (pool, upstream). */
  close(): Promise<void>;
}

export interface RunnerDeps {
  readonly config: WatchdogConfig;
  readonly logger: Logger;
  /** The environment handler processes inherit. */
  readonly baseEnv: NodeJS.ProcessEnv;
}

/** `X-Duration-Seconds` as the classic watchdog prints it (Go's %f). */
export function durationSeconds(startMs: number): string {
  return ((performance.now() - startMs) / 1000).toFixed(6);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The classic Content-Type rule: `content_type`, else the request's, else sniffed later. */
export function chosenContentType(
  config: WatchdogConfig,
  req: IncomingMessage,
): string | undefined {
  return config.contentType || req.headers['content-type'] || undefined;
}
