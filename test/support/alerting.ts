/**
 * Real Prometheus and Alertmanager for tests (Debian packages `prometheus` and
 * `prometheus-alertmanager`; `bash scripts/services.sh` installs them). Each test starts its own
 * processes on free loopback ports with temp storage, from configs derived from the shipped
 * prometheus/*.yml (targets, credentials and faster intervals change; the alert rule file is the
 * shipped one, unchanged), and kills them in `t.after` whether the test passed or not (a bench
 * passes its own `Cleanups`).
 *
 * @example
 * const bins = requireAlerting(t);
 * if (!bins) return;
 * const am = await startAlertmanager(t, bins, alertmanagerConfig({ url, passwordFile }));
 *
 * @module
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { parse, stringify } from 'yaml';
import { freePort } from '../e2e/harness.ts';
import { until } from './poll.ts';

export const SHIPPED = Object.freeze({
  prometheus: resolve('prometheus/prometheus.yml'),
  rules: resolve('prometheus/alert.rules.yml'),
  alertmanager: resolve('prometheus/alertmanager.yml'),
});

export const INSTALL_ALERTING = 'install them: bash scripts/services.sh';

export interface AlertingBinaries {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly promtool: string | undefined;
  readonly amtool: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function which(names: readonly string[], env: Env): string | undefined {
  for (const name of names) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { env: { PATH: env.PATH } });
    const path = r.stdout?.toString().trim();
    if (r.status === 0 && path) return path;
  }
  return undefined;
}

/** The binaries on PATH; Debian names Alertmanager `prometheus-alertmanager`. */
export function findAlertingBinaries(env: Env = process.env): Partial<AlertingBinaries> {
  return {
    prometheus: which(['prometheus'], env),
    alertmanager: which(['prometheus-alertmanager', 'alertmanager'], env),
    promtool: which(['promtool'], env),
    amtool: which(['amtool'], env),
  };
}

/**
 * The binaries when Prometheus and Alertmanager are installed. Otherwise the test fails in CI
 * (CI=true: .ci/run installs them) and is skipped elsewhere, printing the reason and the fix.
 */
export function requireAlerting(
  t: TestContext,
  env: Env = process.env,
): AlertingBinaries | undefined {
  const found = findAlertingBinaries(env);
  const missing = [
    found.prometheus ? '' : 'prometheus',
    found.alertmanager ? '' : 'prometheus-alertmanager',
  ].filter(Boolean);
  if (found.prometheus && found.alertmanager) return found as AlertingBinaries;
  const message = `${missing.join(' and ')} not on PATH; ${INSTALL_ALERTING}`;
  if (env.CI === 'true') assert.fail(message);
  t.skip(message);
  return undefined;
}

type Yaml = Record<string, unknown>;

export interface PrometheusOptions {
  /** host:port of the gateway's /metrics. */
  readonly gateway: string;
  readonly alertmanager: string;
  readonly scrapeInterval?: string;
  readonly evaluationInterval?: string;
}

/** The shipped prometheus.yml with loopback targets, the shipped rule file, given intervals. */
export function prometheusConfig(o: PrometheusOptions): string {
  const c = parse(readFileSync(SHIPPED.prometheus, 'utf8')) as Yaml;
  const global = c.global as Yaml;
  if (o.scrapeInterval) global.scrape_interval = o.scrapeInterval;
  if (o.evaluationInterval) global.evaluation_interval = o.evaluationInterval;
  c.rule_files = [SHIPPED.rules];
  const jobs = (c.scrape_configs as Yaml[]).filter((j) => j.job_name === 'gateway');
  assert.equal(jobs.length, 1, 'the shipped prometheus.yml has one gateway job');
  const job = jobs[0]!;
  delete job.dns_sd_configs;
  job.static_configs = [{ targets: [o.gateway] }];
  if (o.scrapeInterval) job.scrape_interval = o.scrapeInterval;
  c.scrape_configs = [job];
  c.alerting = { alertmanagers: [{ static_configs: [{ targets: [o.alertmanager] }] }] };
  return stringify(c);
}

export interface AlertmanagerOptions {
  /** The gateway's /system/alert URL. */
  readonly url: string;
  readonly passwordFile: string;
  readonly username?: string;
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
}

/** The shipped alertmanager.yml pointed at a gateway, with optional faster timings. */
export function alertmanagerConfig(o: AlertmanagerOptions): string {
  const c = parse(readFileSync(SHIPPED.alertmanager, 'utf8')) as Yaml;
  const route = c.route as Yaml;
  if (o.groupWait) route.group_wait = o.groupWait;
  if (o.groupInterval) route.group_interval = o.groupInterval;
  if (o.repeatInterval) route.repeat_interval = o.repeatInterval;
  const receiver = (c.receivers as Yaml[]).find((r) => r.name === 'scale-up');
  const hook = (receiver?.webhook_configs as Yaml[] | undefined)?.[0];
  assert.ok(hook, 'the shipped alertmanager.yml has the scale-up webhook');
  hook.url = o.url;
  const auth = (hook.http_config as Yaml).basic_auth as Yaml;
  auth.password_file = o.passwordFile;
  if (o.username) auth.username = o.username;
  return stringify(c);
}

/** Where a started process registers its cleanup: a test's context, or a bench's list. */
export interface Cleanups {
  after(fn: () => void): void;
}

export interface RunningService {
  readonly url: string;
  /** host:port */
  readonly address: string;
  /** What the process printed so far (stderr). */
  log(): string;
}

async function startService(
  t: Cleanups,
  what: string,
  command: string,
  args: (dir: string, address: string) => string[],
  config: string,
): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), `faas-${what}-`));
  writeFileSync(join(dir, 'config.yml'), config);
  const address = `127.0.0.1:${await freePort()}`;
  const child = spawn(command, args(dir, address), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-20_000)));
  t.after(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://${address}`;
  await until(
    `${what} ready on ${address}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${what} exited ${child.exitCode}:\n${log}`);
      return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok;
    },
    (ok) => ok,
    { timeoutMs: 20_000, intervalMs: 100 },
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${what} log:\n${log}`);
  });
  return { url, address, log: () => log };
}

export function startPrometheus(
  t: Cleanups,
  bins: AlertingBinaries,
  config: string,
): Promise<RunningService> {
  return startService(
    t,
    'prometheus',
    bins.prometheus,
    (dir, address) => [
      `--config.file=${join(dir, 'config.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      '--log.level=warn',
    ],
    config,
  );
}

export function startAlertmanager(
  t: Cleanups,
  bins: AlertingBinaries,
  config: string,
): Promise<RunningService> {
  return startService(
    t,
    'alertmanager',
    bins.alertmanager,
    (dir, address) => [
      `--config.file=${join(dir, 'config.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      // no gossip port: one instance, loopback only
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    config,
  );
}
