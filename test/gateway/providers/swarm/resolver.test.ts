/** DNS round-robin with a short cache; failed replicas are skipped for a while. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplicaResolver } from '../../../../gateway/providers/swarm/resolver.ts';

function fakes(answers: Record<string, string[]>, down = new Set<string>()) {
  let now = 0;
  const lookups: string[] = [];
  const probes: string[] = [];
  const resolver = new ReplicaResolver({
    now: () => now,
    lookup: async (host) => {
      lookups.push(host);
      const a = answers[host];
      if (!a)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return a;
    },
    probe: async (host) => {
      probes.push(host);
      if (down.has(host)) throw new Error('ECONNREFUSED');
    },
  });
  return { resolver, lookups, probes, tick: (ms: number) => (now += ms) };
}

const hosts = async (r: ReplicaResolver, n: number): Promise<(string | undefined)[]> => {
  const out = [];
  for (let i = 0; i < n; i++) out.push((await r.resolve('fn'))?.host);
  return out;
};

test('round-robin over tasks.<service>, one lookup per second', async () => {
  const f = fakes({ 'tasks.fn': ['10.0.0.3', '10.0.0.2'] });
  assert.deepEqual(await hosts(f.resolver, 4), [
    '10.0.0.2:8080',
    '10.0.0.3:8080',
    '10.0.0.2:8080',
    '10.0.0.3:8080',
  ]);
  assert.deepEqual(f.lookups, ['tasks.fn']);
  f.tick(1001);
  await f.resolver.resolve('fn');
  assert.equal(f.lookups.length, 2);
});

test('a replica refusing connections is skipped, then tried again later', async () => {
  const down = new Set(['10.0.0.2']);
  const f = fakes({ 'tasks.fn': ['10.0.0.2', '10.0.0.3'] }, down);
  assert.deepEqual(await hosts(f.resolver, 3), ['10.0.0.3:8080', '10.0.0.3:8080', '10.0.0.3:8080']);
  assert.equal(f.probes.filter((p) => p === '10.0.0.2').length, 1, 'not retried on every call');
  down.clear();
  f.tick(251);
  assert.deepEqual(
    new Set(await hosts(f.resolver, 2)),
    new Set(['10.0.0.2:8080', '10.0.0.3:8080']),
  );
});

test('reportFailure skips a replica; none left or no DNS answer → undefined', async () => {
  const f = fakes({ 'tasks.fn': ['10.0.0.2'] });
  const url = await f.resolver.resolve('fn');
  assert.ok(url);
  f.resolver.reportFailure(url);
  assert.equal(await f.resolver.resolve('fn'), undefined);
  const g = fakes({});
  assert.equal(await g.resolver.resolve('fn'), undefined);
});

test('a starting replica is probed again soon, a dead one ever more rarely (250 ms doubling to 5 s)', async () => {
  const down = new Set(['10.0.0.2']);
  const f = fakes({ 'tasks.fn': ['10.0.0.2'] }, down);
  const probesAfter = async (ms: number): Promise<number> => {
    f.tick(ms);
    await f.resolver.resolve('fn');
    return f.probes.length;
  };
  assert.equal(await probesAfter(0), 1);
  assert.equal(await probesAfter(249), 1, 'skipped for 250 ms');
  assert.equal(await probesAfter(2), 2);
  assert.equal(await probesAfter(499), 2, 'then 500 ms');
  assert.equal(await probesAfter(2), 3);
  for (let i = 0; i < 6; i++) await probesAfter(5001);
  const before = f.probes.length;
  assert.equal(await probesAfter(4000), before, 'never more often than every 5 s');
  down.clear();
  assert.equal((await (f.tick(1001), f.resolver.resolve('fn')))?.host, '10.0.0.2:8080');
});

test('no task yet: the empty answer is kept only 100 ms, so a new replica is found soon', async () => {
  const answers: Record<string, string[]> = {};
  const f = fakes(answers);
  assert.equal(await f.resolver.resolve('fn'), undefined);
  answers['tasks.fn'] = ['10.0.0.9'];
  f.tick(101);
  assert.equal((await f.resolver.resolve('fn'))?.host, '10.0.0.9:8080');
});
