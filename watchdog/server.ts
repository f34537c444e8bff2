/**
 * The watchdog's HTTP side: health, limits, metrics and graceful shutdown around a runner.
 * Nothing here listens; main.ts does (and tests may).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import { existsSync, rmSync } from 'node:fs';
import type { WatchdogConfig } from './config.ts';
import type { Logger } from './log.ts';
import type { WatchdogMetrics } from './metrics.ts';
import type { Runner } from './runners/runner.ts';
import { sendText } from './runners/runner.ts';

export interface WatchdogDeps {
  readonly config: WatchdogConfig;
  readonly logger: Logger;
  readonly runner: Runner;
  readonly metrics: WatchdogMetrics;
  /** The lock file whose presence means healthy (undefined with suppress_lock). */
  readonly lockFile: string | undefined;
}

export interface Watchdog {
  readonly server: Server;
  readonly metricsServer: Server;
  healthy(): boolean;
  /** SIGTERM: unhealthy now, serve for healthcheck_interval, drain up to write_timeout. */
  shutdown(): Promise<void>;
}

/** What the classic watchdog accepts; http mode passes every method to the function. */
const FORK_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_HEADER_BYTES = 1024 * 1024;

export function createWatchdog(deps: WatchdogDeps): Watchdog {
  const { config, logger, runner, metrics, lockFile } = deps;
  let accepting = true;
  const idleWaiters: (() => void)[] = [];
  const healthy = (): boolean =>
    accepting && (lockFile === undefined || existsSync(lockFile)) && runner.ready();

  const server = createServer(serverOptions(config), (req, res) => {
    const start = performance.now();
    if (req.url === '/_/health' || req.url?.startsWith('/_/health?')) {
      return health(req, res, start);
    }
    metrics.started();
    res.once('close', () => {
      metrics.finished(res.statusCode, req.method ?? 'GET', (performance.now() - start) / 1000);
      if (metrics.inFlightCount === 0) idleWaiters.splice(0).forEach((w) => w());
    });
    const rejection = reject(config, req, metrics.inFlightCount);
    if (rejection) {
      const [status, text, headers] = rejection;
      return sendText(res, start, status, text, headers);
    }
    if (config.debugHeaders) logger.log(`Request headers: ${JSON.stringify(req.headers)}`);
    if (config.writeTimeoutMs > 0) {
      const cut = setTimeout(() => {
        logger.log(`Response cut: write_timeout of ${config.writeTimeoutMs / 1000}s reached`);
        res.destroy();
      }, config.writeTimeoutMs);
      res.once('close', () => clearTimeout(cut));
    }
    runner.run(req, res).then(
      () =>
        config.debugHeaders && logger.log(`Response headers: ${JSON.stringify(res.getHeaders())}`),
      (err: unknown) => {
        logger.log(`Error: ${err instanceof Error ? err.stack : String(err)}`);
        sendText(res, start, 500, 'Internal watchdog error\n');
      },
    );
  });

  function health(req: IncomingMessage, res: ServerResponse, start: number): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, start, 405, 'Method Not Allowed\n');
    }
    if (healthy()) return sendText(res, start, 200, 'OK');
    return sendText(res, start, 503, 'Service Unavailable\n');
  }

  const metricsServer = createServer((req, res) => {
    if (req.url !== '/metrics')
      return sendText(res, performance.now(), 404, '404 page not found\n');
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(metrics.render());
  });

  /** Resolves once nothing is in flight, or after `ms` (0 = no limit). */
  const drained = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (metrics.inFlightCount === 0) return resolve();
      const t = ms > 0 ? setTimeout(resolve, ms) : undefined;
      idleWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });

  async function shutdown(): Promise<void> {
    accepting = false;
    if (lockFile) rmSync(lockFile, { force: true });
    logger.log(
      `SIGTERM received.. shutting down server in ${config.healthcheckIntervalMs / 1000}s`,
    );
    await new Promise((r) => setTimeout(r, config.healthcheckIntervalMs));
    server.close();
    server.closeIdleConnections();
    const limit = config.writeTimeoutMs > 0 ? `up to ${config.writeTimeoutMs / 1000}s ` : '';
    logger.log(`Waiting ${limit}for ${metrics.inFlightCount} request(s) in flight`);
    await drained(config.writeTimeoutMs);
    server.closeAllConnections();
    await runner.close();
    metricsServer.close();
    metricsServer.closeAllConnections();
    logger.log('No new connections allowed. Exiting.');
  }

  return { server, metricsServer, healthy, shutdown };
}

/** read_timeout as Node's server options; 0 turns every read limit off, as in Go. */
function serverOptions(config: WatchdogConfig): ServerOptions {
  // Node takes whole milliseconds; a sub-millisecond limit rounds up rather than to "off".
  const readMs = Math.ceil(config.readTimeoutMs);
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    requestTimeout: readMs,
    headersTimeout: Math.min(readMs, 60_000),
    // read_timeout is enforced on this tick; Node's default (30 s) would overshoot short ones.
    // With no limit there is nothing to check, and a 0 interval would spin every millisecond.
    connectionsCheckingInterval: readMs > 0 ? Math.min(1000, readMs) : 30_000,
  };
}

type Rejection = [status: number, text: string, headers: Record<string, string>];

/** Requests refused before any process runs: wrong method, over max_inflight, too large. */
function reject(
  config: WatchdogConfig,
  req: IncomingMessage,
  inFlight: number,
): Rejection | undefined {
  if (config.mode !== 'http' && !FORK_METHODS.has(req.method ?? '')) {
    return [405, `Method ${req.method} is not allowed: use GET, POST, PUT, PATCH or DELETE\n`, {}];
  }
  if (config.maxInflight > 0 && inFlight > config.maxInflight) {
    const text = `Concurrent request limit exceeded. Max concurrent requests: ${config.maxInflight}`;
    // faas-middleware's answer exactly (CONTRACT §3.5): no charset, no trailing newline.
    const headers = { 'Content-Type': 'text/plain', 'X-OpenFaaS-Internal': 'faas-middleware' };
    return [429, text, headers];
  }
  const length = Number(req.headers['content-length'] ?? 0);
  if (config.maxRequestBytes > 0 && length > config.maxRequestBytes) {
    const text = `Request body too large: ${length} bytes, the limit is ${config.maxRequestBytes} bytes (max_request_bytes)\n`;
    return [413, text, { Connection: 'close' }];
  }
  return undefined;
}
