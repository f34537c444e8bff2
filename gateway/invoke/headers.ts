/** Header rules of the invoke proxy (CONTRACT §1.3). */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { endToEnd } from '../../watchdog/headers.ts';

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
export function upstreamHeaders(req: IncomingMessage, s: Stamp): OutgoingHttpHeaders {
  const out = endToEnd(req.headers);
  out['x-call-id'] = s.callId;
  out['x-start-time'] = s.startTime;
  const forwardedFor = req.socket.remoteAddress;
  if (out['x-forwarded-for'] === undefined && forwardedFor) out['x-forwarded-for'] = forwardedFor;
  if (out['x-forwarded-host'] === undefined && req.headers.host)
    out['x-forwarded-host'] = req.headers.host;
  // A chunked body keeps its framing: Node would not chunk a GET or DELETE body by itself.
  if (
    req.headers['transfer-encoding'] !== undefined &&
    req.headers['content-length'] === undefined
  ) {
    out['transfer-encoding'] = 'chunked';
  }
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
