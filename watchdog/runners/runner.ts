/**
 * A runner is one way of executing the handler for a request (docs/decisions/0001-watchdog-modes.md):
 * the server owns routing, limits, health and metrics; the runner owns the process.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { WatchdogConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { ProcessGroups } from '../process.ts';

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
  /** Starts handler processes and remembers them until they exit. */
  readonly groups: ProcessGroups;
}

/** `X-Duration-Seconds` as the classic watchdog prints it (Go's %f). */
export function durationSeconds(startMs: number): string {
  return ((performance.now() - startMs) / 1000).toFixed(6);
}

/**
 * writeHead through setHeader, so the headers stay readable (getHeaders) after they are sent,
 * which debug_headers logs.
 */
export function writeHead(res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) res.setHeader(k, v);
  res.writeHead(status);
}

/**
 * The watchdog's own text answers (errors, limits, health). `start` is when the request arrived:
 * every response carries X-Duration-Seconds, so taking it here means no path can leave it out.
 */
export function sendText(
  res: ServerResponse,
  start: number,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeHead(res, status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Duration-Seconds': durationSeconds(start),
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
