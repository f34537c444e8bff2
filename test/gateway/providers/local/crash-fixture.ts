/**
 * A gateway that dies without close(): started as a child by local-provider.test.ts, it deploys
 * one function, prints the watchdog pids as JSON and waits to be SIGKILLed.
 * Usage: node --import tsx crash-fixture.ts STATE_DIR STORE_DIR WATCHDOG
 */
import { DEFAULT_NAMESPACE } from '../../../../gateway/contract/types.ts';
import { LocalProvider } from '../../../../gateway/providers/local/index.ts';
import { until } from '../../../support/poll.ts';

const [stateDir = '', storeDir = '', watchdogPath = ''] = process.argv.slice(2);
const p = new LocalProvider({
  stateDir,
  storeDir,
  watchdogPath,
  baseEnv: { PATH: process.env.PATH ?? '' },
});
await p.start();
await p.deploy({
  service: 'orphaned',
  image: 'faas/echo:latest',
  namespace: DEFAULT_NAMESPACE,
  labels: { 'com.openfaas.scale.min': '2' },
  annotations: {},
  secrets: [],
  constraints: [],
});
const ready = await until(
  'two ready replicas',
  () => p.replicaProcesses('orphaned', DEFAULT_NAMESPACE),
  (rs) => rs.filter((r) => r.ready).length === 2,
);
process.stdout.write(`${JSON.stringify(ready.map((r) => r.pid))}\n`);
setInterval(() => undefined, 60_000);
