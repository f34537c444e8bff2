/** The invoke path's lookup cache, with time as a number and a provider that counts its calls. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FaasError } from '../../../gateway/contract/errors.ts';
import { FunctionCache } from '../../../gateway/invoke/function-cache.ts';
import type { FunctionState } from '../../../gateway/providers/provider.ts';

/** get() answers { replicas } from `replicas`, or rejects once `gone`; every call is counted. */
function provider() {
  const p = {
    calls: 0,
    replicas: 1,
    gone: false,
    pending: [] as (() => void)[],
    /** When true, answers wait until release(). */
    hold: false,
    async get(name: string): Promise<FunctionState> {
      p.calls++;
      const replicas = p.replicas;
      const gone = p.gone;
      if (p.hold) await new Promise<void>((r) => p.pending.push(r));
      if (gone) throw new FaasError('FUNCTION_NOT_FOUND', `${name} not found`);
      return { name, replicas } as unknown as FunctionState;
    },
    release() {
      p.hold = false;
      p.pending.splice(0).forEach((r) => r());
    },
  };
  return p;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('within the TTL one lookup serves every call', async () => {
  const p = provider();
  let now = 0;
  const cache = new FunctionCache(p, 250, () => now);
  await Promise.all([cache.get('f', 'ns'), cache.get('f', 'ns')]);
  now = 249;
  await cache.get('f', 'ns');
  assert.equal(p.calls, 1);
});

test('past the TTL a call gets the last answer at once while one refresh runs', async () => {
  const p = provider();
  let now = 0;
  const cache = new FunctionCache(p, 250, () => now);
  await cache.get('f', 'ns');
  p.replicas = 3;
  p.hold = true;
  now = 300;
  assert.equal((await cache.get('f', 'ns')).replicas, 1, 'stale, not waiting for the engine');
  assert.equal((await cache.get('f', 'ns')).replicas, 1);
  assert.equal(p.calls, 2, 'one refresh for both calls');
  p.release();
  await tick();
  assert.equal((await cache.get('f', 'ns')).replicas, 3, 'the refresh replaced it');
});

test('past staleMs a call waits for a fresh answer', async () => {
  const p = provider();
  let now = 0;
  const cache = new FunctionCache(p, 250, () => now, 5000);
  await cache.get('f', 'ns');
  p.replicas = 2;
  now = 5000;
  assert.equal((await cache.get('f', 'ns')).replicas, 2);
});

test('invalidate wins over a refresh already under way', async () => {
  const p = provider();
  let now = 0;
  const cache = new FunctionCache(p, 250, () => now);
  await cache.get('f', 'ns');
  p.hold = true;
  now = 300;
  await cache.get('f', 'ns'); // starts a refresh that will answer replicas 1
  cache.invalidate('f', 'ns');
  p.replicas = 0;
  p.release();
  await tick();
  assert.equal((await cache.get('f', 'ns')).replicas, 0, 'not the refresh begun before');
});

test('failures are not cached, and a failed refresh drops the stale answer', async () => {
  const p = provider();
  let now = 0;
  const cache = new FunctionCache(p, 250, () => now);
  p.gone = true;
  await assert.rejects(cache.get('f', 'ns'));
  p.gone = false;
  await cache.get('f', 'ns');
  assert.equal(p.calls, 2);
  p.gone = true;
  now = 300;
  await cache.get('f', 'ns'); // stale answer; the refresh fails
  await tick();
  await assert.rejects(cache.get('f', 'ns'), /not found/);
});

test('a lookup slower than the TTL is shared, and the TTL counts from its answer', async () => {
  const p = provider();
  let now = 0;
  const cache = new FunctionCache(p, 250, () => now);
  p.hold = true;
  const first = cache.get('f', 'ns');
  now = 400; // the engine is slow
  const second = cache.get('f', 'ns');
  p.release();
  await Promise.all([first, second]);
  now = 600;
  await cache.get('f', 'ns');
  assert.equal(p.calls, 1, 'answered at 400: still fresh at 600');
});
