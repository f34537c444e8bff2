/**
 * What the watchdog derives from an incoming request for the handler process: the CGI-style
 * environment of the classic watchdog, the marshal_request envelope and the metadata line.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';

/** Go's textproto canonical form: `x-call-id` → `X-Call-Id`. */
export function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p === '' ? p : p[0]!.toUpperCase() + p.slice(1)))
    .join('-');
}

/** Request headers in canonical form, every value kept, in arrival order. */
export function canonicalHeaders(rawHeaders: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = canonicalHeader(rawHeaders[i]!);
    const values = out.get(name) ?? [];
    values.push(rawHeaders[i + 1]!);
    out.set(name, values);
  }
  return out;
}

export interface RequestLine {
  readonly method: string;
  /** The path and query as received, e.g. `/a/b?x=1`. */
  readonly url: string;
  readonly rawHeaders: readonly string[];
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // keep the raw path when it is not valid percent-encoding
  }
  return { path, query: q === -1 ? '' : url.slice(q + 1) };
}

/** The `Http_*` variables the classic watchdog adds to the handler's environment. */
export function cgiEnv(req: RequestLine): Record<string, string> {
  const env: Record<string, string> = {};
  const headers = canonicalHeaders(req.rawHeaders);
  for (const [name, values] of headers) {
    if (name === 'Host' || name === 'Transfer-Encoding') continue;
    env[`Http_${name.replaceAll('-', '_')}`] = values[0]!;
  }
  const te = headers.get('Transfer-Encoding')?.[0];
  const length = te === undefined ? (headers.get('Content-Length')?.[0] ?? '0') : '-1';
  env.Http_Method = req.method;
  env.Http_ContentLength = length;
  env.Http_Content_Length = length;
  if (te !== undefined) env.Http_Transfer_Encoding = te;
  const { path, query } = splitUrl(req.url);
  if (query !== '') env.Http_Query = query;
  if (path !== '') env.Http_Path = path;
  // Always set, as Go always has r.Host: empty for an HTTP/1.0 request without a Host header.
  env.Http_Host = headers.get('Host')?.[0] ?? '';
  return env;
}

/** classic-watchdog `marshal_request`: headers and the base64 body as one JSON document. */
export function marshalRequest(body: Buffer, rawHeaders: readonly string[]): Buffer {
  const header = Object.fromEntries(canonicalHeaders(rawHeaders));
  return Buffer.from(
    JSON.stringify({ header: { header }, body: { raw: body.toString('base64') } }),
  );
}

/** The metadata line handed to fork and prefork handlers on fd 3 (docs/watchdog.md). */
export function requestMeta(req: IncomingMessage): string {
  const { path, query } = splitUrl(req.url ?? '/');
  const headers: IncomingHttpHeaders = req.headers;
  return `${JSON.stringify({ method: req.method, path, query, headers })}\n`;
}

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`Request body too large: the limit is ${limit} bytes (max_request_bytes)`);
  }
}

/** Reads the whole body, rejecting as soon as it passes `limit` bytes (0 = no limit). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (limit > 0 && size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** Passes bytes through until more than `limit` have passed, then fails (0 = no limit). */
export function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (limit > 0 && seen > limit) done(new BodyTooLargeError(limit));
      else done(null, chunk);
    },
  });
}

/** Content-Type when neither `content_type` nor the request set one, like Go's sniffing. */
export function sniffContentType(body: Buffer): string {
  const head = body.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) {
    return 'text/html; charset=utf-8';
  }
  // Control bytes other than tab, newline, form feed and carriage return mark binary data.
  // eslint-disable-next-line no-control-regex -- detecting binary is about control bytes
  return /[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]/.test(head)
    ? 'application/octet-stream'
    : 'text/plain; charset=utf-8';
}
