/** Header rules of the invoke proxy (CONTRACT §1.3). */
import { randomUUID } from 'node:crypto';
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

/** Headers minus hop-by-hop ones, including any the Connection header names. */
export function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase()),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && !HOP_BY_HOP.has(k) && !named.has(k)) out[k] = v;
  }
  return out;
}

export interface Stamp {
  readonly callId: string;
  /** UTC Unix time in nanoseconds, as a decimal string. */
  readonly startTime: string;
}

export function stamp(headers: IncomingHttpHeaders, nowMs: number): Stamp {
  const given = headers['x-call-id'];
  const callId = typeof given === 'string' && given !== '' ? given : undefined;
  return {
    callId: callId ?? randomUUID(),
    startTime: `${BigInt(Math.round(nowMs * 1000)) * 1000n}`,
  };
}

/** What the function receives. */
export function upstreamHeaders(
  headers: IncomingHttpHeaders,
  s: Stamp,
  remoteAddress: string | undefined,
): OutgoingHttpHeaders {
  const out = endToEnd(headers);
  out['x-call-id'] = s.callId;
  out['x-start-time'] = s.startTime;
  out['x-forwarded-for'] ??= remoteAddress;
  out['x-forwarded-host'] ??= headers.host;
  return out;
}

/** What the caller receives: the function's headers, plus the gateway's stamps (the call id always). */
export function responseHeaders(
  upstream: IncomingHttpHeaders,
  requestContentType: string | undefined,
  s: Stamp,
): OutgoingHttpHeaders {
  const out = endToEnd(upstream);
  out['content-type'] ??= requestContentType ?? 'text/plain';
  out['x-start-time'] = s.startTime;
  out['x-call-id'] ??= s.callId;
  return out;
}
