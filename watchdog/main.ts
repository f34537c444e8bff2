/**
 * Composition root of the watchdog: reads the env, writes the lock file, listens on the
 * function and metrics ports, and turns SIGTERM into a graceful drain.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configWarnings, readConfig } from './config.ts';
import type { WatchdogConfig } from './config.ts';
import { createLogger } from './log.ts';
import { WatchdogMetrics } from './metrics.ts';
import { ProcessGroups } from './process.ts';
import { createRunner } from './runners/index.ts';
import { createWatchdog } from './server.ts';

function load(): WatchdogConfig {
  try {
    return readConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => resolve((server.address() as AddressInfo).port);
    if (host) server.listen(port, host, ready);
    else server.listen(port, ready);
  });

async function main(): Promise<void> {
  const config = load();
  const logger = createLogger((s) => process.stderr.write(s), config.prefixLogs);
  for (const w of configWarnings(config, process.env)) logger.log(`Warning: ${w}`);
  const lockFile = config.suppressLock ? undefined : join(tmpdir(), '.lock');
  if (lockFile) writeFileSync(lockFile, '');
  const groups = new ProcessGroups();
  // Handlers lead their own process groups: take them down on any exit but a SIGKILL.
  process.on('exit', () => groups.killAll());
  const runner = createRunner({ config, logger, baseEnv: process.env, groups });
  const metrics = new WatchdogMetrics();
  const watchdog = createWatchdog({ config, logger, runner, metrics, lockFile });

  const port = await listen(watchdog.server, config.port, config.bindAddress);
  const metricsPort = await listen(watchdog.metricsServer, config.metricsPort, config.bindAddress);
  logger.log(`Watchdog mode: ${config.mode}, fprocess: ${config.fprocess.join(' ')}`);
  logger.log(`Metrics listening on port: ${metricsPort}`);
  logger.log(`Listening on port: ${port}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    watchdog.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.log(`Shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `watchdog failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
