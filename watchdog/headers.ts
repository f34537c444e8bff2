/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) stay on their connection; a proxy passes the rest. Used by
 * the watchdog's http mode and by the gateway's invoke proxy.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const connection = headers.connection;
  const named =
    connection === undefined
      ? undefined
      : new Set(connection.split(',').map((s) => s.trim().toLowerCase()));
  const out: OutgoingHttpHeaders = {};
  for (const k in headers) {
    const v = headers[k];
    if (v !== undefined && !HOP_BY_HOP.has(k) && !named?.has(k)) out[k] = v;
  }
  return out;
}
