/**
 * The one place an error code becomes an HTTP status. /system/* errors are JSON
 * `{code, message}`; the gateway's own errors on /function/* are plain text marked with
 * `X-OpenFaaS-Internal` so callers can tell them from a function's own status.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { FaasError, tooLarge } from '../contract/errors.ts';
import type { ErrorCode } from '../contract/errors.ts';
import type { Logger } from '../log.ts';

export const STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_REQUEST: 400,
  INVALID_NAME: 400,
  IMAGE_NOT_FOUND: 400,
  UNKNOWN_SECRET: 400,
  UNAUTHORIZED: 401,
  FUNCTION_NOT_FOUND: 404,
  SECRET_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  FUNCTION_EXISTS: 409,
  SECRET_EXISTS: 409,
  SECRET_IN_USE: 409,
  ALERT_SCALING_OFF: 409,
  PAYLOAD_TOO_LARGE: 413,
  BAD_LOG_REQUEST: 422,
  PROVIDER_FAILURE: 500,
  ALERTS_FAILED: 500,
  NOT_SUPPORTED: 501,
  UPSTREAM_UNREACHABLE: 502,
  NO_REPLICAS: 503,
  PROVIDER_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
};

/** Turns body-parser's and everything else's errors into FaasError. */
export function toFaasError(err: unknown): FaasError {
  if (err instanceof FaasError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') {
    return new FaasError('INVALID_REQUEST', 'Cannot parse request. Please pass valid JSON.');
  }
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500 && type !== 'entity.too.large') {
    // body-parser's other refusals: an unsupported charset or encoding, a truncated body
    return new FaasError('INVALID_REQUEST', (err as Error).message);
  }
  if (type === 'entity.too.large') return tooLarge((err as { limit: number }).limit);
  return new FaasError('PROVIDER_FAILURE', err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}

/** The gateway's own error on /function/*, with plain node: invoke does not go through express. */
export function sendFunctionError(res: ServerResponse, err: FaasError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${err.message}\n`;
  res.writeHead(STATUS[err.code], {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'X-OpenFaaS-Internal': 'gateway',
  });
  res.end(body);
}

/** Logs what an operator must look at: provider failures in full, other 5xx in one line. */
export function logError(
  logger: Logger,
  method: string | undefined,
  path: string,
  e: FaasError,
): void {
  if (e.code === 'PROVIDER_FAILURE') logger.error(`${method} ${path}: ${e.message}`, e.cause ?? e);
  else if (STATUS[e.code] >= 500) logger.info(`${method} ${path}: ${STATUS[e.code]} ${e.message}`);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = toFaasError(err);
    logError(logger, req.method, req.path, e);
    if (res.headersSent) return res.destroy();
    if (e.code === 'UNAUTHORIZED') {
      // OpenFaaS's exact answer, which clients match on
      res
        .status(401)
        .set('WWW-Authenticate', 'Basic realm="Restricted"')
        .type('text/plain')
        .send('invalid credentials\n');
      return;
    }
    res.status(STATUS[e.code]).json({ code: e.code, message: e.message });
  };
}
