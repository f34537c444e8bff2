/** Builds createApp(deps) around a FakeProvider, as route tests need it. */
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { createApp } from '../../gateway/app.ts';
import { GatewayMetrics } from '../../gateway/http/metrics.ts';
import { FunctionCache } from '../../gateway/invoke/function-cache.ts';
import { createInvoker } from '../../gateway/invoke/proxy.ts';
import { silentLogger } from '../../gateway/log.ts';
import { FakeProvider } from './fake-provider.ts';

export const ADMIN = { user: 'admin', password: 's3cret-pass' } as const;

export interface Harness {
  readonly app: RequestListener;
  readonly provider: FakeProvider;
  readonly metrics: GatewayMetrics;
}

export function buildApp(
  t: TestContext,
  options: {
    auth?: boolean;
    maxRequestBytes?: number;
    upstreamTimeoutMs?: number;
    readyWaitMs?: number;
  } = {},
): Harness {
  const provider = new FakeProvider();
  const metrics = new GatewayMetrics(async () =>
    (await provider.list('openfaas-fn')).map((f) => ({ name: f.name, replicas: f.replicas })),
  );
  const functions = new FunctionCache(provider, 0);
  const maxRequestBytes = options.maxRequestBytes ?? 10 * 1024 * 1024;
  const invoker = createInvoker({
    resolver: provider,
    functions,
    metrics,
    namespace: 'openfaas-fn',
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 5000,
    maxRequestBytes,
    readyWaitMs: options.readyWaitMs ?? 0,
  });
  t.after(() => invoker.close());
  const app = createApp({
    provider,
    invoker,
    functions,
    metrics,
    logger: silentLogger,
    credentials: options.auth === false ? undefined : ADMIN,
    namespace: 'openfaas-fn',
    maxRequestBytes,
    maxReplicas: 20,
    version: 'test',
  });
  return { app, provider, metrics };
}

/** A real HTTP server on port 0 standing in for a function's replica. */
export async function upstream(
  t: TestContext,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: URL; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), server };
}
