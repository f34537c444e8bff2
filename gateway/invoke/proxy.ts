/**
 * /function/{name}[.{namespace}][/{path}]: find the function, pick a ready replica, forward
 * the request and stream the answer back untouched. The gateway's own failures are plain text
 * with X-OpenFaaS-Internal (gateway/http/error-table.ts).
 */
import { Agent } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaasError, isFaasError, tooLarge } from '../contract/errors.ts';
import { nameProblem, splitQualifiedName } from '../contract/names.ts';
import { STATUS } from '../http/error-table.ts';
import type { GatewayMetrics } from '../http/metrics.ts';
import type { FunctionState, Provider } from '../providers/provider.ts';
import type { FunctionCache } from './function-cache.ts';
import type { Scaler } from '../scaling/scaler.ts';
import { forward } from './forward.ts';
import { stamp } from './headers.ts';
import type { Stamp } from './headers.ts';
import { ColdStarts } from './cold-start.ts';
import { functionTimeoutMs } from './timeout.ts';
import { waitForReplica } from './wait.ts';

export interface InvokeDeps {
  readonly resolver: Pick<Provider, 'resolve' | 'reportFailure'>;
  readonly functions: FunctionCache;
  readonly metrics: GatewayMetrics;
  readonly namespace: string;
  readonly upstreamTimeoutMs: number;
  readonly maxRequestBytes: number;
  /** How long a call waits for a replica of a function that wants some but has none ready. */
  readonly readyWaitMs: number;
  /**
   * Scales a function at zero replicas up when a call arrives (the call waits, bounded by the
   * function's timeout); absent, such a call gets 503 at once.
   */
  readonly scaler?: Scaler;
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

/** The function a call names, or FUNCTION_NOT_FOUND in OpenFaaS's words. */
async function lookup(deps: InvokeDeps, qualifiedName: string): Promise<FunctionState> {
  const { name, namespace = deps.namespace } = splitQualifiedName(qualifiedName);
  const notFound = (): FaasError =>
    new FaasError('FUNCTION_NOT_FOUND', `error finding function ${qualifiedName}: not found`);
  if (nameProblem(name) || namespace !== deps.namespace) throw notFound();
  return deps.functions.get(name, namespace).catch((err: unknown) => {
    throw isFaasError(err, 'FUNCTION_NOT_FOUND') ? notFound() : err;
  });
}

export function createInvoker(deps: InvokeDeps): Invoker {
  const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
  const coldStarts = deps.scaler
    ? new ColdStarts({ scaler: deps.scaler, resolver: deps.resolver })
    : undefined;

  /**
   * A ready replica: scaled from zero when the function is at 0 and the gateway can scale; a
   * call that arrives while a scale from zero is under way waits for it too.
   */
  async function replicaFor(fn: FunctionState, timeoutMs: number, res: ServerResponse) {
    if (!coldStarts || (fn.replicas > 0 && !coldStarts.underway(fn))) {
      return waitForReplica(deps.resolver, fn, deps.readyWaitMs);
    }
    const { target, seconds } = await coldStarts.ready(fn, timeoutMs);
    deps.metrics.coldStart(fn.name, seconds);
    res.setHeader('X-Cold-Start-Seconds', seconds.toFixed(3));
    return target;
  }

  async function call(
    fn: FunctionState,
    path: string,
    req: IncomingMessage,
    res: ServerResponse,
    s: Stamp,
  ) {
    const timeoutMs = functionTimeoutMs(fn, deps.upstreamTimeoutMs);
    const waitFrom = performance.now();
    const target = await replicaFor(fn, timeoutMs, res);
    deps.metrics.invocationStarted(fn.name);
    const start = performance.now();
    const done = (code: number): void =>
      deps.metrics.invocationDone(fn.name, code, (performance.now() - start) / 1000);
    const options = {
      name: fn.name,
      timeoutMs,
      waitedMs: start - waitFrom,
      maxRequestBytes: deps.maxRequestBytes,
      stamp: s,
    };
    try {
      done(await forward(agent, target, path, req, res, options));
    } catch (err) {
      if (err instanceof FaasError) done(STATUS[err.code]);
      // the next calls go to another replica instead of this dead one
      if (isFaasError(err, 'UPSTREAM_UNREACHABLE')) deps.resolver.reportFailure?.(target);
      throw err;
    }
  }

  return {
    close: () => agent.destroy(),
    async invoke(qualifiedName, path, req, res) {
      // Stamped first, so the gateway's own errors carry the call id and start time too.
      const s = stamp(req.headers, Date.now());
      res.setHeader('X-Call-Id', s.callId);
      res.setHeader('X-Start-Time', s.startTime);
      if (
        deps.maxRequestBytes > 0 &&
        Number(req.headers['content-length'] ?? 0) > deps.maxRequestBytes
      ) {
        throw tooLarge(deps.maxRequestBytes);
      }
      const fn = await lookup(deps, qualifiedName);
      const end = deps.metrics.load.begin(fn.name); // the autoscaler's signals
      try {
        await call(fn, path, req, res, s);
      } finally {
        end();
      }
    },
  };
}
