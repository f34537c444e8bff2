/**
 * The environment a local replica gets: the image's, then the deployment's, then what the
 * provider must control, so that no image or deployment moves a replica off loopback.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { RESERVED_ENV_VARS } from '../../../../gateway/contract/reserved-env.ts';
import { DEFAULT_NAMESPACE as NS } from '../../../../gateway/contract/types.ts';
import { writeImage } from '../../../../gateway/providers/local/index.ts';
import { available, deployment, invoke } from '../../../conformance/suite.ts';
import { localHarness } from './harness.ts';
import type { LocalHarness } from './harness.ts';

async function harness(t: TestContext): Promise<LocalHarness> {
  const h = await localHarness();
  t.after(() => h.close());
  return h;
}

const envOf = (text: string): Map<string, string> =>
  new Map(text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

/** /proc/net/tcp's little-endian hex address as a dotted quad (IPv6 left as hex). */
function address(hex: string): string {
  const [ip = ''] = hex.split(':');
  if (ip.length !== 8) return `ipv6:${ip}`;
  return [6, 4, 2, 0].map((i) => parseInt(ip.slice(i, i + 2), 16)).join('.');
}

/** The addresses a process has listening TCP sockets on, from /proc (Linux). */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m ? [m[1]!] : [];
      } catch {
        return []; // closed meanwhile
      }
    }),
  );
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && inodes.has(f[9] ?? '')) // 0A: LISTEN
      .map((f) => address(f[1] ?? '')),
  );
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('replica env: envProcess and envVars override the image; ports and TMPDIR are the provider’s', async (t) => {
  const h = await harness(t);
  await writeImage(h.storeDir, 'envy', {
    fprocess: 'cat',
    env: { from_image: 'image', both: 'image', port: '9999' },
  });
  const p = await h.provider();
  const d = deployment({
    service: 'envy',
    image: 'envy',
    envProcess: 'env',
    envVars: { both: 'deploy' },
  });
  await p.deploy(d);
  await available(p, 'envy', 1);
  const env = envOf((await invoke(p, 'envy')).text);
  assert.equal(env.get('from_image'), 'image');
  assert.equal(env.get('both'), 'deploy');
  assert.equal(env.get('fprocess'), 'env');
  assert.equal(env.get('mode'), 'fork');
  assert.equal(env.get('port'), '0');
  assert.match(env.get('TMPDIR') ?? '', /replicas\/envy-[0-9a-f]+\/tmp$/);
});

test('neither the image nor envVars can move a replica off loopback or onto a fixed port', async (t) => {
  const h = await harness(t);
  const hostile = { bind_address: '0.0.0.0', port: '18080', metrics_port: '18081' };
  await writeImage(h.storeDir, 'open', { fprocess: 'env', env: hostile });
  const p = await h.provider();
  // Straight to the provider, as if the gateway's own check (a 400) were skipped.
  await p.deploy(
    deployment({
      service: 'open',
      image: 'open',
      envVars: { ...hostile, FAAS_SECRETS_DIR: '/etc' },
    }),
  );
  await available(p, 'open', 1);
  const env = envOf((await invoke(p, 'open')).text);
  for (const key of RESERVED_ENV_VARS) assert.notEqual(env.get(key), undefined, key);
  assert.equal(env.get('bind_address'), '127.0.0.1');
  assert.equal(env.get('port'), '0');
  assert.equal(env.get('metrics_port'), '0');
  assert.notEqual(env.get('FAAS_SECRETS_DIR'), '/etc');

  const [replica] = p.replicaProcesses('open', NS);
  assert.ok(replica?.pid !== undefined && replica.url !== undefined);
  const url = new URL(replica.url);
  assert.equal(url.hostname, '127.0.0.1');
  assert.notEqual(url.port, '18080');
  const addresses = listeningAddresses(replica.pid);
  assert.ok(addresses.length >= 2, `the function and metrics ports: ${addresses.join(', ')}`);
  assert.deepEqual(
    addresses.filter((a) => a !== '127.0.0.1'),
    [],
    'every listening socket is on 127.0.0.1',
  );
  // Linux routes all of 127/8 to loopback: a socket on 0.0.0.0 would accept this.
  assert.equal(await accepts('127.0.0.2', Number(url.port)), false);
  assert.equal(await accepts('127.0.0.1', Number(url.port)), true);
});

test("get() reports the image's env (for the gateway's timeout rule), read at deploy and update", async (t) => {
  const h = await harness(t);
  await writeImage(h.storeDir, 'slow:1', { fprocess: 'cat', env: { exec_timeout: '90s' } });
  await writeImage(h.storeDir, 'slow:2', { fprocess: 'cat' });
  const p = await h.provider();
  await p.deploy(deployment({ service: 'slow', image: 'slow:1' }));
  assert.deepEqual((await p.get('slow', NS)).imageEnv, { exec_timeout: '90s' });
  await p.close();
  const again = await h.provider();
  assert.deepEqual(
    (await again.get('slow', NS)).imageEnv,
    { exec_timeout: '90s' },
    'after a restart',
  );
  await again.update(deployment({ service: 'slow', image: 'slow:2' }));
  assert.equal('imageEnv' in (await again.get('slow', NS)), false, 'an image without env');
});
