/**
 * createApp(deps): the gateway as an express app, not listening (main.ts listens; tests use
 * supertest). Routes: /function/* (open), /system/* (basic auth), /healthz and /metrics (open).
 */
import express from 'express';
import type { RequestListener } from 'node:http';
import type { Express } from 'express';
import { requireBasicAuth } from './http/auth.ts';
import type { Credentials } from './http/auth.ts';
import { errorHandler, logError, sendFunctionError, toFaasError } from './http/error-table.ts';
import type { GatewayMetrics } from './http/metrics.ts';
import type { Invoker } from './invoke/proxy.ts';
import type { Logger } from './log.ts';
import type { Provider } from './providers/provider.ts';
import type { FunctionCache } from './invoke/function-cache.ts';
import type { Scaler } from './scaling/scaler.ts';
import type { ScalingMode } from './config.ts';
import { alertParseError, createAlertRouter } from './routes/alert.ts';
import { createFunctionsRouter } from './routes/functions.ts';
import { createLogsRouter } from './routes/logs.ts';
import { createSecretsRouter } from './routes/secrets.ts';
import { createOpenRouter, createSystemRouter } from './routes/system.ts';

export interface AppDeps {
  readonly provider: Provider;
  readonly invoker: Invoker;
  readonly functions: FunctionCache;
  readonly metrics: GatewayMetrics;
  /** Replica changes made by scaling (/system/alert); absent in tests that do not scale. */
  readonly scaler?: Scaler;
  /** Which mechanisms change replicas; `builtin` turns /system/alert off (default both). */
  readonly scaling?: ScalingMode;
  readonly logger: Logger;
  /** undefined: /system/* is open (basic_auth=false). */
  readonly credentials: Credentials | undefined;
  readonly namespace: string;
  readonly maxRequestBytes: number;
  readonly maxReplicas: number;
  readonly version: string;
}

/** `/function/NAME/rest?query` → NAME and `/rest?query`, both as received. */
export function splitFunctionPath(originalUrl: string): { name: string; path: string } {
  const m = /^\/function\/([^/?]*)([^?]*)(\?.*)?$/.exec(originalUrl);
  let name = m?.[1] ?? '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // an undecodable name is not a function name; the lookup reports 404
  }
  return { name, path: `${m?.[2] || '/'}${m?.[3] ?? ''}` };
}

const INVOKE_PATH = /^\/function(\/|\?|$)/;

/**
 * The gateway's request listener. Invocations take a plain node path (express's routing and
 * request decoration cost almost half the gateway's CPU per call, docs/BENCHMARKS.md);
 * everything else goes to the express app.
 */
export function createApp(deps: AppDeps): RequestListener {
  const app = createSystemApp(deps);
  return (req, res) => {
    if (!INVOKE_PATH.test(req.url ?? '')) return app(req, res);
    const { name, path } = splitFunctionPath(req.url ?? '');
    deps.invoker.invoke(name, path, req, res).catch((err: unknown) => {
      const e = toFaasError(err);
      logError(deps.logger, req.method, req.url ?? '', e);
      sendFunctionError(res, e);
    });
  };
}

function createSystemApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(createOpenRouter(deps.metrics, deps.provider));
  app.use('/system', ...(deps.credentials ? [requireBasicAuth(deps.credentials)] : []));
  // max_request_bytes=0 is no limit here as on /function/* (body-parser would refuse every body).
  const limit = deps.maxRequestBytes > 0 ? deps.maxRequestBytes : Number.POSITIVE_INFINITY;
  app.use('/system', express.json({ limit, type: () => true, strict: false }));
  app.use(createFunctionsRouter(deps));
  app.use(createSystemRouter(deps));
  app.use(createSecretsRouter(deps));
  app.use(createLogsRouter(deps));
  app.use('/system/alert', alertParseError);
  if (deps.scaler)
    app.use(createAlertRouter({ ...deps, scaler: deps.scaler, scaling: deps.scaling ?? 'both' }));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('404 page not found\n');
  });
  app.use(errorHandler(deps.logger));
  return app;
}
