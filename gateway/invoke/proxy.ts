/**
 * /function/{name}[.{namespace}][/{path}]: find the function, pick a ready replica, forward
 * the request and stream the answer back untouched. The gateway's own failures are plain text
 * with X-OpenFaaS-Internal (gateway/http/error-table.ts).
 */
import { Agent, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaasError, isFaasError } from '../contract/errors.ts';
import { nameProblem, splitQualifiedName } from '../contract/names.ts';
import { STATUS } from '../http/error-table.ts';
import type { GatewayMetrics } from '../http/metrics.ts';
import type { Provider } from '../providers/provider.ts';
import { byteLimit } from '../../watchdog/request.ts';
import type { FunctionCache } from './function-cache.ts';
import { responseHeaders, stamp, upstreamHeaders } from './headers.ts';
import { functionTimeoutMs } from './timeout.ts';
import { waitForReplica } from './wait.ts';

export interface InvokeDeps {
  readonly resolver: Pick<Provider, 'resolve'>;
  readonly functions: FunctionCache;
  readonly metrics: GatewayMetrics;
  readonly namespace: string;
  readonly upstreamTimeoutMs: number;
  readonly maxRequestBytes: number;
  /** How long a call waits for a replica of a function that wants some but has none ready. */
  readonly readyWaitMs: number;
}

export interface Invoker {
  invoke(
    qualifiedName: string,
    path: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void>;
  close(): void;
}

export function createInvoker(deps: InvokeDeps): Invoker {
  const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
  return {
    close: () => agent.destroy(),
    async invoke(qualifiedName, path, req, res) {
      const { name, namespace = deps.namespace } = splitQualifiedName(qualifiedName);
      if (nameProblem(name) || namespace !== deps.namespace) {
        throw new FaasError(
          'FUNCTION_NOT_FOUND',
          `error finding function ${qualifiedName}: not found`,
        );
      }
      const length = Number(req.headers['content-length'] ?? 0);
      if (deps.maxRequestBytes > 0 && length > deps.maxRequestBytes) {
        throw new FaasError(
          'PAYLOAD_TOO_LARGE',
          `Request body too large: the limit is ${deps.maxRequestBytes} bytes`,
        );
      }
      const fn = await deps.functions.get(name, namespace).catch((err: unknown) => {
        if (!isFaasError(err, 'FUNCTION_NOT_FOUND')) throw err;
        throw new FaasError(
          'FUNCTION_NOT_FOUND',
          `error finding function ${name}.${namespace}: not found`,
        );
      });
      const target = await waitForReplica(deps.resolver, fn, deps.readyWaitMs);
      deps.metrics.invocationStarted(name);
      const start = performance.now();
      const done = (code: number): void =>
        deps.metrics.invocationDone(name, code, (performance.now() - start) / 1000);
      try {
        done(
          await forward(agent, target, path, req, res, {
            timeoutMs: functionTimeoutMs(fn, deps.upstreamTimeoutMs),
            maxRequestBytes: deps.maxRequestBytes,
            name,
          }),
        );
      } catch (err) {
        if (err instanceof FaasError) done(STATUS[err.code]);
        throw err;
      }
    },
  };
}

interface ForwardOptions {
  readonly timeoutMs: number;
  readonly maxRequestBytes: number;
  readonly name: string;
}

/** Streams the request to `target` and the answer back; resolves with the status sent. */
function forward(
  agent: Agent,
  target: URL,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  o: ForwardOptions,
): Promise<number> {
  const s = stamp(req.headers, Date.now());
  return new Promise((resolve, reject) => {
    const up = httpRequest({
      agent,
      host: target.hostname,
      port: target.port,
      method: req.method,
      path,
      headers: upstreamHeaders(req.headers, s, req.socket.remoteAddress),
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
      o.timeoutMs,
    );
    up.once('response', (upRes) => {
      res.writeHead(
        upRes.statusCode ?? 502,
        responseHeaders(upRes.headers, req.headers['content-type'], s),
      );
      upRes.pipe(res);
      upRes.once('end', () => {
        clearTimeout(timer);
        resolve(upRes.statusCode ?? 502);
      });
      upRes.once('error', () => res.destroy());
    });
    up.once('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) return fail(new FaasError('UPSTREAM_UNREACHABLE', err.message));
      fail(
        new FaasError(
          'UPSTREAM_UNREACHABLE',
          `Can't reach service for: ${o.name}. (${err.code ?? err.message})`,
        ),
      );
    });
    res.once('close', () => {
      if (!res.writableFinished) {
        clearTimeout(timer);
        up.destroy();
        resolve(499); // the caller went away (nginx's code for it)
      }
    });
    const limiter = byteLimit(o.maxRequestBytes);
    limiter.once('error', () =>
      fail(
        new FaasError(
          'PAYLOAD_TOO_LARGE',
          `Request body too large: the limit is ${o.maxRequestBytes} bytes`,
        ),
      ),
    );
    req.pipe(limiter).pipe(up);
  });
}
