/**
 * The shipped prometheus/ configs: they hold the contract's rule and routing (CONTRACT §2.2–2.3),
 * Prometheus's and Alertmanager's own checkers accept them and the configs the tests derive
 * from them, and the Swarm stack file runs both services with them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { parse } from 'yaml';
import {
  SHIPPED,
  alertmanagerConfig,
  prometheusConfig,
  requireAlerting,
} from '../support/alerting.ts';

/** Just enough of each file's shape for the assertions; a missing key fails the test. */
interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface PrometheusFile {
  global: { external_labels: Record<string, string> };
  rule_files: string[];
  scrape_configs: { job_name: string; scrape_interval?: string; dns_sd_configs?: unknown }[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
}
interface Hook {
  url: string;
  send_resolved: boolean;
  http_config: { basic_auth: Record<string, string> };
}
interface AlertmanagerFile {
  route: Record<string, unknown> & { routes: unknown[] };
  receivers: { name: string; webhook_configs: Hook[] }[];
}
interface Service {
  image: string;
  configs: { source: string; target: string }[];
  secrets?: string[];
}
interface StackFile {
  services: Record<string, Service>;
  configs: Record<string, { file: string }>;
}

const RULE = 'sum(rate(gateway_function_invocation_total{code="200"}[10s])) by (function_name) > 5';
const load = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;

function tempFile(t: TestContext, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'faas-prom-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

function check(tool: string, args: string[]): string {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${tool} ${args.join(' ')}:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

test('alert.rules.yml: the contract rule, for 5s, labelled service gateway and severity major', () => {
  const rules = load<{ groups: { rules: Rule[] }[] }>(SHIPPED.rules).groups.flatMap((g) => g.rules);
  assert.equal(rules.length, 1);
  const rule = rules[0]!;
  assert.equal(rule.alert, 'APIHighInvocationRate');
  assert.equal(rule.expr, RULE);
  assert.equal(rule.for, '5s');
  assert.deepEqual(rule.labels, { service: 'gateway', severity: 'major' });
  assert.match(rule.annotations.summary ?? '', /\{\{ \$labels\.function_name \}\}/);
});

test('prometheus.yml: the gateway job every 5s, the rule file, Alertmanager at alertmanager:9093', () => {
  const c = load<PrometheusFile>(SHIPPED.prometheus);
  assert.equal(c.global.external_labels.monitor, 'faas-monitor');
  assert.deepEqual(c.rule_files, ['alert.rules.yml']);
  const gateway = c.scrape_configs.find((j) => j.job_name === 'gateway');
  assert.equal(gateway?.scrape_interval, '5s');
  assert.deepEqual(gateway?.dns_sd_configs, [{ names: ['tasks.gateway'], type: 'A', port: 8080 }]);
  assert.deepEqual(c.alerting.alertmanagers[0]?.static_configs[0]?.targets, ['alertmanager:9093']);
});

test('alertmanager.yml: the contract route to the scale-up webhook with basic auth and resolved', () => {
  const c = load<AlertmanagerFile>(SHIPPED.alertmanager);
  const { route } = c;
  assert.deepEqual(route.group_by, ['alertname', 'cluster', 'service']);
  assert.deepEqual(
    [route.group_wait, route.group_interval, route.repeat_interval, route.receiver],
    ['5s', '10s', '30s', 'scale-up'],
  );
  assert.deepEqual(route.routes, [
    { matchers: ['service = "gateway"', 'severity = "major"'], receiver: 'scale-up' },
  ]);
  const hook = c.receivers.find((r) => r.name === 'scale-up')?.webhook_configs[0];
  assert.ok(hook);
  assert.equal(hook.url, 'http://gateway:8080/system/alert');
  assert.equal(hook.send_resolved, true);
  assert.deepEqual(hook.http_config.basic_auth, {
    username: 'admin',
    password_file: '/run/secrets/basic-auth-password',
  });
});

test('promtool and amtool accept the shipped configs and the ones tests derive', (t) => {
  const bins = requireAlerting(t);
  if (!bins) return;
  if (!bins.promtool || !bins.amtool) {
    const message = 'promtool or amtool missing (Debian prometheus, prometheus-alertmanager)';
    if (process.env.CI === 'true') assert.fail(message);
    return t.skip(message);
  }
  assert.match(check(bins.promtool, ['check', 'rules', SHIPPED.rules]), /SUCCESS: 1 rules found/);
  assert.match(check(bins.promtool, ['check', 'config', SHIPPED.prometheus]), /SUCCESS/);
  check(bins.amtool, ['check-config', SHIPPED.alertmanager]);

  const prom = tempFile(
    t,
    'prometheus.yml',
    prometheusConfig({
      gateway: '127.0.0.1:8080',
      alertmanager: '127.0.0.1:9093',
      scrapeInterval: '1s',
      evaluationInterval: '1s',
    }),
  );
  assert.match(check(bins.promtool, ['check', 'config', prom]), /SUCCESS: 1 rule files found/);
  const am = tempFile(
    t,
    'alertmanager.yml',
    alertmanagerConfig({
      url: 'http://127.0.0.1:8080/system/alert',
      passwordFile: '/tmp/password',
      repeatInterval: '3s',
    }),
  );
  check(bins.amtool, ['check-config', am]);
});

test('the Swarm stack runs Prometheus and Alertmanager with the shipped configs', () => {
  const stack = load<StackFile>('stack/docker-compose.yml');
  const { prometheus, alertmanager } = stack.services;
  assert.ok(prometheus && alertmanager);
  assert.match(prometheus.image, /prom\/prometheus/);
  assert.match(alertmanager.image, /prom\/alertmanager/);
  const targets = (s: Service): string[] =>
    s.configs.map((c) => `${stack.configs[c.source]?.file} → ${c.target}`);
  assert.deepEqual(targets(prometheus).sort(), [
    '../prometheus/alert.rules.yml → /etc/prometheus/alert.rules.yml',
    '../prometheus/prometheus.yml → /etc/prometheus/prometheus.yml',
  ]);
  assert.deepEqual(targets(alertmanager), [
    '../prometheus/alertmanager.yml → /etc/alertmanager/alertmanager.yml',
  ]);
  assert.ok(alertmanager.secrets?.includes('basic-auth-password'));
  assert.ok(stack.services.gateway, 'the gateway is still there');
});
