/**
 * The gateway's own HTTP timeouts, as OpenFaaS's Go http.Server applies them: read_timeout
 * bounds receiving a whole request, and write_timeout is a deadline on the whole exchange, from
 * the request's headers to the response's last byte (Go's WriteTimeout), not an idle timeout,
 * so a response that trickles forever is still cut. Followed logs stream until the client goes.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ServerTimeouts {
  readonly readTimeoutMs: number;
  readonly writeTimeoutMs: number;
}

/** node refuses a headers timeout above the request timeout; 60 s is its own default. */
const MAX_HEADERS_MS = 60_000;

export function applyTimeouts(server: Server, t: ServerTimeouts): void {
  server.requestTimeout = t.readTimeoutMs;
  server.headersTimeout = Math.min(t.readTimeoutMs, MAX_HEADERS_MS);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/system/logs')) return;
    const deadline = setTimeout(() => res.destroy(), t.writeTimeoutMs);
    res.once('close', () => clearTimeout(deadline));
  });
}
