/**
 * createApp(deps): the gateway as an express app, not listening (main.ts listens; tests use
 * supertest). Routes: /function/* (open), /system/* (basic auth), /healthz and /metrics (open).
 */
import express from 'express';
import type { Express, Request } from 'express';
import { FaasError } from './contract/errors.ts';
import { requireBasicAuth } from './http/auth.ts';
import type { Credentials } from './http/auth.ts';
import { errorHandler } from './http/error-table.ts';
import type { GatewayMetrics } from './http/metrics.ts';
import type { Invoker } from './invoke/proxy.ts';
import type { Logger } from './log.ts';
import type { Provider } from './providers/provider.ts';
import type { FunctionCache } from './invoke/function-cache.ts';
import { createFunctionsRouter } from './routes/functions.ts';
import { createLogsRouter } from './routes/logs.ts';
import { createSecretsRouter } from './routes/secrets.ts';
import { createOpenRouter, createSystemRouter } from './routes/system.ts';

export interface AppDeps {
  readonly provider: Provider;
  readonly invoker: Invoker;
  readonly functions: FunctionCache;
  readonly metrics: GatewayMetrics;
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

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const invoke = async (req: Request, res: express.Response): Promise<void> => {
    const { name, path } = splitFunctionPath(req.originalUrl);
    await deps.invoker.invoke(name, path, req, res);
  };
  app.all('/function', () => {
    throw new FaasError('FUNCTION_NOT_FOUND', 'error finding function: no name given');
  });
  app.all('/function/{*rest}', invoke);

  app.use(createOpenRouter(deps.metrics));
  app.use('/system', ...(deps.credentials ? [requireBasicAuth(deps.credentials)] : []));
  app.use(
    '/system',
    express.json({ limit: deps.maxRequestBytes, type: () => true, strict: false }),
  );
  app.use(createFunctionsRouter(deps));
  app.use(createSystemRouter(deps));
  app.use(createSecretsRouter(deps));
  app.use(createLogsRouter(deps));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('404 page not found\n');
  });
  app.use(errorHandler(deps.logger));
  return app;
}
