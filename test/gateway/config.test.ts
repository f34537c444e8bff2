/** readConfig: the defaults, durations and sizes as OpenFaaS writes them, every bad key named. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULTS, GatewayConfigError, readConfig } from '../../gateway/config.ts';
import type { GatewayConfig } from '../../gateway/config.ts';

const CWD = '/srv/faas';

function problems(env: Record<string, string>): readonly string[] {
  try {
    readConfig(env, CWD);
  } catch (err) {
    assert.ok(err instanceof GatewayConfigError, String(err));
    assert.equal(err.code, 'GATEWAY_CONFIG');
    assert.equal(err.message, `invalid gateway configuration:\n  ${err.problems.join('\n  ')}`);
    return err.problems;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

test('an empty env gives the defaults, with paths under cwd', () => {
  const want: GatewayConfig = {
    port: 8080,
    bindAddress: '127.0.0.1',
    readTimeoutMs: 60_000,
    writeTimeoutMs: 65_000,
    upstreamTimeoutMs: 60_000,
    maxRequestBytes: 10 * 1024 * 1024,
    basicAuth: true,
    secretMountPath: `${CWD}/.faas/gateway-secrets`,
    adminUser: undefined,
    adminPassword: undefined,
    stateDir: `${CWD}/.faas`,
    imageStore: `${CWD}/.faas/images`,
    namespace: 'openfaas-fn',
    maxReplicas: 20,
    provider: 'local',
    functionsNetwork: 'func_functions',
    dockerSocket: '/var/run/docker.sock',
    checkImages: true,
    scaling: 'both',
    autoscaleIntervalMs: 2000,
    scaleDownWindowMs: 30_000,
  };
  assert.deepEqual(readConfig({}, CWD), want);
  assert.ok(Object.isFrozen(DEFAULTS));
  // Blank values are unset, not errors.
  assert.deepEqual(readConfig({ port: ' ', read_timeout: '' }, CWD), want);
});

test('durations are seconds (10) or Go durations (1m30s); sizes bytes or Ki/Mi/Gi', () => {
  const c = readConfig(
    {
      read_timeout: '10',
      write_timeout: '2m',
      upstream_timeout: '1m30s',
      autoscale_interval: '500ms',
      scale_down_window: '0',
      max_request_bytes: '64Ki',
    },
    CWD,
  );
  assert.equal(c.readTimeoutMs, 10_000);
  assert.equal(c.writeTimeoutMs, 120_000);
  assert.equal(c.upstreamTimeoutMs, 90_000);
  assert.equal(c.autoscaleIntervalMs, 500);
  assert.equal(c.scaleDownWindowMs, 0);
  assert.equal(c.maxRequestBytes, 64 * 1024);
  assert.equal(readConfig({ read_timeout: '1.5' }, CWD).readTimeoutMs, 1500);
  assert.equal(readConfig({ max_request_bytes: '0' }, CWD).maxRequestBytes, 0, '0: no limit');
  assert.equal(readConfig({ max_request_bytes: '2Mi' }, CWD).maxRequestBytes, 2 * 1024 ** 2);
});

test('the other keys: paths follow state_dir unless set, booleans, providers and modes', () => {
  const c = readConfig(
    {
      port: '0',
      bind_address: '0.0.0.0',
      basic_auth: 'FALSE',
      state_dir: 'state',
      admin_user: 'root',
      admin_password: 'pw',
      max_replicas: '5',
      provider: 'swarm',
      functions_network: 'fn-net',
      docker_socket: '/tmp/docker.sock',
      check_images: 'false',
      scaling: 'builtin',
    },
    CWD,
  );
  assert.deepEqual(
    [c.port, c.bindAddress, c.basicAuth, c.adminUser, c.adminPassword, c.maxReplicas],
    [0, '0.0.0.0', false, 'root', 'pw', 5],
  );
  assert.deepEqual(
    [c.stateDir, c.imageStore, c.secretMountPath],
    [`${CWD}/state`, `${CWD}/state/images`, `${CWD}/state/gateway-secrets`],
  );
  assert.deepEqual(
    [c.provider, c.functionsNetwork, c.dockerSocket, c.checkImages, c.scaling],
    ['swarm', 'fn-net', '/tmp/docker.sock', false, 'builtin'],
  );
  const paths = readConfig({ image_store: '/images', secret_mount_path: 'secrets' }, CWD);
  assert.deepEqual([paths.imageStore, paths.secretMountPath], ['/images', `${CWD}/secrets`]);
});

test('every malformed value is named at once, with its key and value', () => {
  const found = problems({
    port: 'http',
    read_timeout: 'soon',
    write_timeout: '-1',
    basic_auth: 'yes',
    max_request_bytes: 'lots',
    max_replicas: '0',
    provider: 'k8s',
    scaling: 'auto',
    autoscale_interval: '10ms',
  });
  const want = [
    /^port="http" is not a whole number from 0 to 65535$/,
    /^read_timeout="soon" is not a duration \(use 10 or 1m30s\)$/,
    /^write_timeout="-1" is not a duration/,
    /^max_request_bytes="lots" is not a size in bytes/,
    /^basic_auth="yes" is not true or false$/,
    /^max_replicas="0" is not a whole number from 1 to 1000$/,
    /^provider="k8s" is not one of local, swarm$/,
    /^scaling="auto" is not one of alert, builtin, both$/,
    /^autoscale_interval="10ms" is not at least 100ms$/,
  ];
  assert.equal(found.length, want.length, found.join('\n'));
  for (const w of want)
    assert.ok(
      found.some((p) => w.test(p)),
      `${w}: ${found.join('\n')}`,
    );
});

test('upstream_timeout must be below write_timeout, or a slow answer is cut before the 504', () => {
  const envs: Record<string, string>[] = [
    { upstream_timeout: '65s' },
    { upstream_timeout: '2m', write_timeout: '1m' },
  ];
  for (const env of envs) {
    const [p, ...rest] = problems(env);
    assert.deepEqual(rest, []);
    assert.match(
      p ?? '',
      /^upstream_timeout \S+ must be below write_timeout \S+, or a slow function/,
    );
  }
  assert.match(
    problems({ upstream_timeout: '65s' })[0] ?? '',
    /^upstream_timeout 1m5s must be below write_timeout 1m5s/,
  );
  assert.equal(readConfig({ upstream_timeout: '64s' }, CWD).upstreamTimeoutMs, 64_000);
});

test('docs/config.md lists exactly the keys readConfig reads', () => {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, key) => {
      if (typeof key === 'string') read.add(key);
      return undefined;
    },
  });
  readConfig(env, CWD);
  const doc = readFileSync('docs/config.md', 'utf8');
  const documented = new Set(
    [...doc.matchAll(/^\| (`[a-z_]+`(?:, `[a-z_]+`)*)\s*\|/gm)].flatMap((m) =>
      [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((k) => k[1]!),
    ),
  );
  assert.deepEqual([...documented].sort(), [...read].sort());
});
