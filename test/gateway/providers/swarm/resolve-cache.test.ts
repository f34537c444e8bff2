/**
 * resolve() keeps a service's wanted replicas for a second instead of inspecting the service on
 * every call; a change made through the provider forgets them, and an inspect that began before
 * a change is not kept. A hand-written engine holding one service; DNS and probes are injected.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { isFaasError } from '../../../../gateway/contract/errors.ts';
import { SwarmProvider } from '../../../../gateway/providers/swarm/index.ts';

const NS = 'openfaas-fn';
const NETWORK = 'fn-net';

/** One function service `fn`; counts inspects; `hold()` makes the next inspect wait. */
function engine() {
  const e = {
    inspects: 0,
    replicas: 2,
    version: 1,
    held: undefined as (() => void) | undefined,
    holdNext: false,
    getService: (id: string) => ({
      async inspect() {
        e.inspects++;
        const replicas = e.replicas;
        if (e.holdNext) {
          e.holdNext = false;
          await new Promise<void>((r) => (e.held = r));
        }
        if (id !== 'fn') throw Object.assign(new Error('no such service'), { statusCode: 404 });
        return {
          ID: 'fn',
          Version: { Index: e.version },
          Spec: {
            Name: 'fn',
            Labels: { 'com.openfaas.function': 'fn' },
            TaskTemplate: { ContainerSpec: { Image: 'i' }, Networks: [{ Target: NETWORK }] },
            Mode: { Replicated: { Replicas: replicas } },
          },
        };
      },
      async update(o: { _body: Docker.ServiceSpec }) {
        e.version++;
        e.replicas = o._body.Mode?.Replicated?.Replicas ?? 0;
      },
    }),
  };
  return e;
}

function provider(e: ReturnType<typeof engine>): SwarmProvider {
  return new SwarmProvider({
    docker: e as unknown as Docker,
    network: NETWORK,
    resolver: { lookup: async () => ['10.0.0.9'], probe: async () => undefined },
  });
}

test('resolve inspects a service once a second, not once a call', async () => {
  const e = engine();
  const p = provider(e);
  for (let i = 0; i < 5; i++)
    assert.equal(String(await p.resolve('fn', NS)), 'http://10.0.0.9:8080/');
  assert.equal(e.inspects, 1);
  await assert.rejects(p.resolve('ghost', NS), (err) => isFaasError(err, 'FUNCTION_NOT_FOUND'));
});

test('a scale made through the provider is seen by the next resolve', async () => {
  const e = engine();
  const p = provider(e);
  await p.resolve('fn', NS);
  await p.scale('fn', NS, 0);
  await assert.rejects(p.resolve('fn', NS), (err) => isFaasError(err, 'NO_REPLICAS'));
});

test('an inspect begun before a scale is not kept after it', async () => {
  const e = engine();
  const p = provider(e);
  e.holdNext = true;
  const early = p.resolve('fn', NS); // reads replicas 2, then waits
  while (!e.held) await new Promise((r) => setImmediate(r));
  await p.scale('fn', NS, 0);
  e.held();
  await early;
  await assert.rejects(p.resolve('fn', NS), (err) => isFaasError(err, 'NO_REPLICAS'));
});
