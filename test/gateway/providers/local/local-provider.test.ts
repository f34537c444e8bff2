/**
 * What only the local provider promises: deployments survive a restart, a killed replica comes
 * back, secrets are owner-only files, stopped replicas leave no process behind (the environment
 * a replica gets is in replica-env.test.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { DEFAULT_NAMESPACE as NS } from '../../../../gateway/contract/types.ts';
import { writeImage } from '../../../../gateway/providers/local/index.ts';
import type { LocalProvider } from '../../../../gateway/providers/local/index.ts';
import { available, deployment, invoke, rejectsWith } from '../../../conformance/suite.ts';
import { until } from '../../../support/poll.ts';
import { IMAGES, localHarness, WATCHDOG } from './harness.ts';
import type { LocalHarness } from './harness.ts';

async function harness(t: TestContext): Promise<LocalHarness> {
  const h = await localHarness();
  t.after(() => h.close());
  return h;
}

/** Running and not a zombie. */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const pids = (p: LocalProvider, name: string): number[] =>
  p.replicaProcesses(name, NS).flatMap((r) => (r.pid === undefined ? [] : [r.pid]));

const mode = (path: string): number => statSync(path).mode & 0o777;

test('deployments, replica counts and secrets survive a restart', async (t) => {
  const h = await harness(t);
  const first = await h.provider();
  await first.secrets.create({ name: 'token', namespace: NS, value: Buffer.from('t0k') });
  const d = deployment({ service: 'kept', image: IMAGES.secret, secrets: ['token'] });
  await first.deploy(d);
  await first.scale('kept', NS, 2);
  const before = await first.get('kept', NS);
  await first.close();

  const second = await h.provider();
  const after = await available(second, 'kept', 2);
  assert.deepEqual(after, { ...before, availableReplicas: 2 });
  assert.deepEqual(await invoke(second, 'kept', 'token'), { status: 200, text: 't0k' });
  assert.deepEqual(await second.secrets.list(NS), [{ name: 'token', namespace: NS }]);
});

test('a replica killed with SIGKILL is restarted', async (t) => {
  const p = await (await harness(t)).provider();
  await p.deploy(deployment({ service: 'phoenix', image: IMAGES.echo }));
  await available(p, 'phoenix', 1);
  const [pid] = pids(p, 'phoenix');
  assert.ok(pid);
  process.kill(pid, 'SIGKILL');
  await until(
    'a new watchdog process, ready',
    () => p.replicaProcesses('phoenix', NS),
    ([r]) => r !== undefined && r.ready && r.pid !== pid,
  );
  assert.deepEqual(await invoke(p, 'phoenix', 'again'), { status: 200, text: 'again' });
  const texts: string[] = [];
  for await (const l of p.logs({ name: 'phoenix', namespace: NS, follow: false }, t.signal)) {
    texts.push(l.text);
  }
  assert.ok(texts.some((x) => /replica exited \(signal SIGKILL\); restarting/.test(x)));
});

test('scaling down, removing and closing leave no watchdog running', async (t) => {
  const h = await harness(t);
  const p = await h.provider();
  await p.deploy(deployment({ service: 'many', image: IMAGES.echo }));
  await p.scale('many', NS, 3);
  await available(p, 'many', 3);
  const three = pids(p, 'many');
  await p.scale('many', NS, 1);
  const [kept] = pids(p, 'many');
  const stopped = three.filter((x) => x !== kept);
  assert.equal(stopped.length, 2);
  await until(
    'scaled-down watchdogs to exit',
    () => stopped.filter(isRunning),
    (l) => l.length === 0,
  );
  assert.ok(kept !== undefined && isRunning(kept));

  await p.deploy(deployment({ service: 'other', image: IMAGES.echo }));
  await available(p, 'other', 1);
  const other = pids(p, 'other');
  await p.remove('many', NS);
  await until(
    'the removed function to stop',
    () => isRunning(kept),
    (r) => !r,
  );
  await p.close();
  assert.deepEqual(other.filter(isRunning), [], 'close() waits for every watchdog to exit');
});

test('secrets are 0600 files in 0700 directories; so is the state file', async (t) => {
  const h = await harness(t);
  const p = await h.provider();
  await p.secrets.create({ name: 'pw', namespace: NS, value: Buffer.from('x') });
  await p.deploy(deployment({ service: 'env', image: IMAGES.env, secrets: ['pw'] }));
  const dir = join(h.stateDir, 'secrets', NS);
  assert.equal(mode(join(dir, 'pw')), 0o600);
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(h.stateDir, 'secrets')), 0o700);
  assert.equal(mode(join(h.stateDir, 'functions.json')), 0o600);
  await available(p, 'env', 1);
  const { text } = await invoke(p, 'env');
  const mounted = /^FAAS_SECRETS_DIR=(.+)$/m.exec(text)?.[1];
  assert.ok(mounted, text);
  assert.equal(mode(mounted), 0o700);
  assert.equal(mode(join(mounted, 'pw')), 0o600);
  assert.equal(readFileSync(join(mounted, 'pw'), 'utf8'), 'x');
});

test('errors name what is missing: the image and how to build it, the secret choices', async (t) => {
  const h = await harness(t);
  const p = await h.provider();
  const err = await rejectsWith(
    p.deploy(deployment({ service: 'x', image: 'nope:1' })),
    'IMAGE_NOT_FOUND',
  );
  assert.equal(
    err.message,
    `image nope:1 is not in the local image store (${h.storeDir}): build it with \`faas build\``,
  );
  await p.secrets.create({ name: 'b', namespace: NS, value: Buffer.from('1') });
  await p.secrets.create({ name: 'a', namespace: NS, value: Buffer.from('1') });
  const secret = await rejectsWith(
    p.deploy(deployment({ service: 'x', image: IMAGES.echo, secrets: ['a', 'c'] })),
    'UNKNOWN_SECRET',
  );
  assert.equal(secret.message, 'secret not found: c; possible choices: a, b');
  await rejectsWith(p.deploy(deployment({ service: '..', image: IMAGES.echo })), 'INVALID_NAME');
  await rejectsWith(p.get('a/b', NS), 'INVALID_NAME');
});

test('a function whose image left the store is listed with no replicas after a restart', async (t) => {
  const h = await harness(t);
  await writeImage(h.storeDir, 'brief', { fprocess: 'cat' });
  const first = await h.provider();
  await first.deploy(deployment({ service: 'brief', image: 'brief' }));
  await first.close();
  const { rm } = await import('node:fs/promises');
  await rm(join(h.storeDir, 'brief'), { recursive: true });
  const second = await h.provider();
  const s = await second.get('brief', NS);
  assert.deepEqual([s.replicas, s.availableReplicas], [1, 0]);
  await rejectsWith(second.resolve('brief', NS), 'NO_REPLICAS');
});

test('watchdogs orphaned by a gateway that was killed are stopped at the next start', async (t) => {
  const h = await harness(t);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'crash-fixture.ts'),
      h.stateDir,
      h.storeDir,
      WATCHDOG,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => child.kill('SIGKILL'));
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const orphans = JSON.parse(String(line)) as number[];
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(orphans.length, 2);
  assert.deepEqual(orphans.filter(isRunning), orphans, 'the watchdogs outlive their gateway');
  t.after(() => orphans.filter(isRunning).forEach((pid) => process.kill(pid, 'SIGKILL')));

  const p = await h.provider();
  await until(
    'the orphans to be gone',
    () => orphans.filter(isRunning),
    (l) => l.length === 0,
  );
  await available(p, 'orphaned', 2);
});
