/**
 * One proxied call: stream the request to a replica and its answer back. The timeout covers
 * the wait for the answer to start; a streaming answer may then take as long as it needs.
 */
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { FaasError, tooLarge } from '../contract/errors.ts';
import { byteLimit } from '../../watchdog/request.ts';
import { responseHeaders, upstreamHeaders } from './headers.ts';
import type { Stamp } from './headers.ts';

export interface ForwardOptions {
  readonly name: string;
  readonly timeoutMs: number;
  /**
   * Already spent waiting for a replica (scale from zero): it counts against the timeout, so the
   * answer or its 504 still comes before the gateway's write_timeout cuts the connection.
   */
  readonly waitedMs?: number;
  readonly maxRequestBytes: number;
  readonly stamp: Stamp;
}

/** Resolves with the status sent (499 when the caller went away first). */
export function forward(
  agent: Agent,
  target: URL,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  o: ForwardOptions,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const up = httpRequest({
      agent,
      host: target.hostname,
      port: target.port,
      method: req.method,
      path,
      headers: upstreamHeaders(req, o.stamp),
    });
    const fail = (err: FaasError): void => {
      clearTimeout(timer);
      up.destroy();
      if (res.headersSent) res.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () =>
        fail(
          new FaasError(
            'UPSTREAM_TIMEOUT',
            `function ${o.name} did not answer within ${o.timeoutMs / 1000}s`,
          ),
        ),
      Math.max(1, o.timeoutMs - (o.waitedMs ?? 0)),
    );
    up.once('response', (upRes) => {
      clearTimeout(timer);
      res.writeHead(
        upRes.statusCode ?? 502,
        responseHeaders(upRes.headers, req.headers['content-type'], o.stamp),
      );
      upRes.pipe(res);
      upRes.once('end', () => resolve(upRes.statusCode ?? 502));
      upRes.once('error', () => res.destroy());
    });
    up.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        new FaasError(
          'UPSTREAM_UNREACHABLE',
          `Can't reach service for: ${o.name}. (${err.code ?? err.message})`,
        ),
      ),
    );
    res.once('close', () => {
      if (res.writableFinished) return;
      clearTimeout(timer);
      up.destroy();
      resolve(499); // the caller went away (nginx's code for it)
    });
    if (req.headers['content-length'] !== undefined) {
      req.pipe(up); // the declared length was checked, and node's parser delivers no more than it
      return;
    }
    const limiter = byteLimit(o.maxRequestBytes);
    limiter.once('error', () => fail(tooLarge(o.maxRequestBytes)));
    req.pipe(limiter).pipe(up);
  });
}
