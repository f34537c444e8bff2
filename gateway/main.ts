/**
 * Composition root of the gateway: reads the env, builds the provider and the app, listens,
 * and stops cleanly on SIGTERM/SIGINT (replicas are stopped; deployments persist).
 */
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import { GatewayConfigError, readConfig } from './config.ts';
import type { GatewayConfig } from './config.ts';
import { formatDuration } from '../watchdog/duration.ts';
import { credentialsNotice, loadCredentials } from './credentials.ts';
import type { LoadedCredentials } from './credentials.ts';
import { GatewayMetrics } from './http/metrics.ts';
import { applyTimeouts } from './http/timeouts.ts';
import { FunctionCache } from './invoke/function-cache.ts';
import { createInvoker } from './invoke/proxy.ts';
import type { Invoker } from './invoke/proxy.ts';
import { consoleLogger } from './log.ts';
import type { Logger } from './log.ts';
import { LocalProvider } from './providers/local/index.ts';
import { SwarmProvider } from './providers/swarm/index.ts';
import { Autoscaler } from './scaling/autoscaler.ts';
import { Scaler } from './scaling/scaler.ts';
import type { Provider } from './providers/provider.ts';

const VERSION = '0.1.0';
const READY_WAIT_MS = 10_000;

function load(): GatewayConfig {
  try {
    return readConfig(process.env, process.cwd());
  } catch (err) {
    if (!(err instanceof GatewayConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}

/** PATH, HOME and the locale reach replicas; the gateway's own settings do not. */
function replicaEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'NODE_PATH'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

function announce(
  logger: Logger,
  config: GatewayConfig,
  credentials: LoadedCredentials | undefined,
): void {
  logger.info(
    `faas gateway ${VERSION} listening on http://${config.bindAddress}:${config.port} (provider: ${config.provider})`,
  );
  for (const line of credentialsNotice(credentials)) logger.info(line);
}

async function startProvider(config: GatewayConfig, logger: Logger): Promise<Provider> {
  if (config.provider === 'swarm') {
    // loaded only here: dockerode and its dependencies add ~28 MiB to the local gateway's RSS
    const { default: Docker } = await import('dockerode');
    const docker = new Docker({ socketPath: config.dockerSocket });
    const swarm = new SwarmProvider({
      docker,
      network: config.functionsNetwork,
      checkImages: config.checkImages,
      logger,
      version: VERSION,
    });
    await swarm.start();
    return swarm;
  }
  const local = new LocalProvider({
    stateDir: config.stateDir,
    storeDir: config.imageStore,
    watchdogPath: fileURLToPath(new URL('../dist/watchdog.js', import.meta.url)),
    baseEnv: replicaEnv(),
    logger,
    version: VERSION,
  });
  await local.start();
  return local;
}

interface Gateway {
  readonly listener: RequestListener;
  readonly invoker: Invoker;
  readonly credentials: LoadedCredentials | undefined;
  readonly autoscaler: Autoscaler;
}

/** Scale to zero in every mode; load-driven scaling unless scaling=alert. Started after listen. */
function newAutoscaler(
  config: GatewayConfig,
  logger: Logger,
  provider: Provider,
  scaler: Scaler,
  metrics: GatewayMetrics,
): Autoscaler {
  return new Autoscaler({
    provider,
    scaler,
    signals: metrics.load,
    logger,
    namespace: config.namespace,
    maxReplicas: config.maxReplicas,
    intervalMs: config.autoscaleIntervalMs,
    windowMs: config.scaleDownWindowMs,
    builtin: config.scaling !== 'alert',
  });
}

/** Metrics, the invoke cache, the one Scaler, the invoker, the app and the autoscaler. */
async function build(config: GatewayConfig, logger: Logger, provider: Provider): Promise<Gateway> {
  const metrics = new GatewayMetrics(async () =>
    (await provider.list(config.namespace)).map((f) => ({ name: f.name, replicas: f.replicas })),
  );
  const functions = new FunctionCache(provider);
  const scaler = new Scaler({ provider, functions, logger });
  const { namespace, upstreamTimeoutMs, maxRequestBytes, maxReplicas } = config;
  const invoker = createInvoker({
    resolver: provider,
    functions,
    metrics,
    namespace,
    upstreamTimeoutMs,
    maxRequestBytes,
    readyWaitMs: READY_WAIT_MS,
    scaler,
  });
  const credentials = config.basicAuth ? await loadCredentials(config) : undefined;
  const listener = createApp({
    provider,
    invoker,
    functions,
    metrics,
    scaler,
    scaling: config.scaling,
    logger,
    credentials,
    namespace,
    maxRequestBytes,
    maxReplicas,
    version: VERSION,
  });
  const autoscaler = newAutoscaler(config, logger, provider, scaler, metrics);
  return { listener, invoker, credentials, autoscaler };
}

/** SIGTERM/SIGINT: stop scaling, close the listener, then the replicas; exit. */
function stopOnSignals(logger: Logger, server: Server, gateway: Gateway, provider: Provider): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: closing the listener and the replicas');
    server.close();
    server.closeIdleConnections();
    gateway.invoker.close();
    gateway.autoscaler
      .stop()
      .then(() => provider.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error('stopping failed', err);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(): Promise<void> {
  const config = load();
  const logger = consoleLogger();
  const provider = await startProvider(config, logger);
  const gateway = await build(config, logger, provider);
  const server: Server = createServer(gateway.listener).listen(config.port, config.bindAddress);
  applyTimeouts(server, config);
  await new Promise<void>((resolve, reject) =>
    server.once('listening', resolve).once('error', reject),
  );
  announce(logger, config, gateway.credentials);
  gateway.autoscaler.start();
  const builtin =
    config.scaling === 'alert'
      ? ''
      : `built-in every ${formatDuration(config.autoscaleIntervalMs)}, scale-down window ${formatDuration(config.scaleDownWindowMs)}; `;
  logger.info(`scaling: ${config.scaling} (${builtin}scale to zero where labelled)`);
  stopOnSignals(logger, server, gateway, provider);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
