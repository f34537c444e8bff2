/**
 * One conformance suite for every Provider (openfaas/certifier style): the same cases run
 * against the local provider, the fake and later Swarm. A case needing a capability the
 * provider lacks is skipped with the reason printed.
 *
 * A target file is a few lines: `conformance(async () => ({ provider, images, … }))`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { TestContext } from 'node:test';
import { isFaasError } from '../../gateway/contract/errors.ts';
import type { ErrorCode } from '../../gateway/contract/errors.ts';
import { DEFAULT_NAMESPACE } from '../../gateway/contract/types.ts';
import type { FunctionDeployment, LogLine, ValidDeployment } from '../../gateway/contract/types.ts';
import type { FunctionState, Provider } from '../../gateway/providers/provider.ts';
import { until } from '../support/poll.ts';

export interface ConformanceTarget {
  readonly provider: Provider;
  /**
   * Images the suite deploys. Where replicas run (`invokes`): `echo` answers with its request
   * body, `env` with its environment (one `KEY=value` a line), `secret` with the content of
   * the secret file whose name is the request body.
   */
  readonly images: { readonly echo: string; readonly env: string; readonly secret: string };
  /** resolve() returns URLs of real watchdogs running the images (invocations, logs). */
  readonly invokes: boolean;
  /**
   * Why the test process cannot reach those watchdogs although they run (Swarm: replicas
   * listen on the overlay network only); cases that invoke are skipped with this reason.
   */
  readonly unreachable?: string;
  /** deploy() rejects an image it cannot find with IMAGE_NOT_FOUND. */
  readonly checksImages: boolean;
  /** Stops what the target started; the suite calls it once, after every case. */
  close(): Promise<void>;
}

const NS = DEFAULT_NAMESPACE;

export function deployment(d: FunctionDeployment): ValidDeployment {
  return { namespace: NS, labels: {}, annotations: {}, secrets: [], constraints: [], ...d };
}

export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<Error> {
  let caught: unknown;
  await assert.rejects(p, (err) => {
    caught = err;
    return isFaasError(err, code);
  });
  return caught as Error;
}

/** POSTs `body` to a replica resolve() picks; returns status and text. */
export async function invoke(
  provider: Provider,
  name: string,
  body = '',
): Promise<{ status: number; text: string }> {
  const url = await provider.resolve(name, NS);
  const res = await fetch(url, { method: 'POST', body });
  return { status: res.status, text: await res.text() };
}

/** The buffered log lines of a function (follow: false). */
export async function readLogs(
  provider: Provider,
  name: string,
  tail?: number,
): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const req = { name, namespace: NS, follow: false, ...(tail === undefined ? {} : { tail }) };
  for await (const l of provider.logs(req, AbortSignal.timeout(5000))) lines.push(l);
  return lines;
}

export const available = (provider: Provider, name: string, n: number): Promise<FunctionState> =>
  until(
    `${name} to have ${n} available replica(s)`,
    () => provider.get(name, NS),
    (s) => s.availableReplicas === n,
  );

/** Skips `t`, printing why, unless `supported`; returns true when skipped. */
function lacks(t: TestContext, supported: boolean, reason: string): boolean {
  if (!supported) t.skip(reason);
  return !supported;
}

export function conformance(title: string, create: () => Promise<ConformanceTarget>): void {
  describe(`provider conformance: ${title}`, () => {
    let target: ConformanceTarget;
    let p: Provider;
    const need: Need = (t, what) => {
      const name = p.info().provider;
      if (what === 'invokes' && target.unreachable !== undefined)
        return lacks(t, false, target.unreachable);
      if (what === 'invokes')
        return lacks(t, target.invokes, `${name} runs no watchdogs to invoke`);
      if (what === 'checksImages') return lacks(t, target.checksImages, `${name} checks no images`);
      return lacks(t, p.capabilities[what], `capability ${what} not supported by ${name}`);
    };
    before(async () => {
      target = await create();
      p = target.provider;
    });
    after(() => target?.close());

    test('deploy: get and list return the FunctionState', async () => {
      await p.deploy(
        deployment({
          service: 'shape',
          image: target.images.echo,
          labels: { team: 'blue' },
          annotations: { topic: 'a\n{"multi": "line"}' },
        }),
      );
      const s = await p.get('shape', NS);
      assert.equal(s.name, 'shape');
      assert.equal(s.image, target.images.echo);
      assert.equal(s.namespace, NS);
      assert.equal(s.envProcess, '');
      assert.deepEqual(s.labels, { team: 'blue', faas_function: 'shape' });
      assert.deepEqual(s.annotations, { topic: 'a\n{"multi": "line"}' });
      assert.deepEqual([s.secrets, s.constraints, s.readOnlyRootFilesystem], [[], [], false]);
      for (const absent of ['envVars', 'limits', 'requests', 'invocationCount']) {
        assert.equal(absent in s, false, `${absent} must be omitted`);
      }
      assert.equal(s.replicas, 1);
      assert.match(s.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      await available(p, 'shape', 1);
      const listed = (await p.list(NS)).find((f) => f.name === 'shape');
      assert.equal(listed?.image, target.images.echo);
      await p.remove('shape', NS);
    });

    test('deploy: envVars, limits and requests are echoed as deployed', async () => {
      const d = deployment({
        service: 'echoed',
        image: target.images.echo,
        envVars: { greeting: 'hello' },
        limits: { memory: '5Mi', cpu: '100m' },
        requests: { memory: '1Mi' },
        labels: { 'com.openfaas.scale.min': '2' },
      });
      await p.deploy(d);
      const s = await p.get('echoed', NS);
      assert.deepEqual([s.envVars, s.limits, s.requests], [d.envVars, d.limits, d.requests]);
      assert.equal(s.replicas, 2, 'com.openfaas.scale.min sets the initial replicas');
      await p.remove('echoed', NS);
    });

    test('deploy: a name already taken is FUNCTION_EXISTS', async () => {
      await p.deploy(deployment({ service: 'twice', image: target.images.echo }));
      await rejectsWith(
        p.deploy(deployment({ service: 'twice', image: target.images.echo })),
        'FUNCTION_EXISTS',
      );
      await p.remove('twice', NS);
    });

    test('deploy: an unknown image is IMAGE_NOT_FOUND', async (t) => {
      if (need(t, 'checksImages')) return;
      const err = await rejectsWith(
        p.deploy(deployment({ service: 'noimage', image: 'no/such-image:1' })),
        'IMAGE_NOT_FOUND',
      );
      assert.match(err.message, /no\/such-image:1/);
      await rejectsWith(p.get('noimage', NS), 'FUNCTION_NOT_FOUND');
    });

    test('unknown functions are FUNCTION_NOT_FOUND', async () => {
      const d = deployment({ service: 'ghost', image: target.images.echo });
      await rejectsWith(p.get('ghost', NS), 'FUNCTION_NOT_FOUND');
      await rejectsWith(p.update(d), 'FUNCTION_NOT_FOUND');
      await rejectsWith(p.remove('ghost', NS), 'FUNCTION_NOT_FOUND');
      await rejectsWith(p.scale('ghost', NS, 1), 'FUNCTION_NOT_FOUND');
      await rejectsWith(p.resolve('ghost', NS), 'FUNCTION_NOT_FOUND');
      if (p.capabilities.logs) await rejectsWith(readLogs(p, 'ghost'), 'FUNCTION_NOT_FOUND');
    });

    registerLifecycleCases(() => target, need);
    registerSecretCases(() => target, need);
    registerLogCases(() => target, need);
  });
}

type Need = (
  t: TestContext,
  what: keyof Provider['capabilities'] | 'invokes' | 'checksImages',
) => boolean;

function registerLifecycleCases(get: () => ConformanceTarget, need: Need): void {
  test('update: new image, envVars and labels; createdAt stays; the function answers anew', async () => {
    const { provider: p, images } = get();
    await p.deploy(deployment({ service: 'upd', image: images.echo }));
    const before = await p.get('upd', NS);
    await p.update(
      deployment({
        service: 'upd',
        image: images.env,
        envVars: { greeting: 'hello' },
        labels: { v: '2' },
      }),
    );
    const s = await p.get('upd', NS);
    assert.equal(s.image, images.env);
    assert.deepEqual(s.envVars, { greeting: 'hello' });
    assert.deepEqual(s.labels, { v: '2', faas_function: 'upd' });
    assert.equal(s.createdAt, before.createdAt);
    if (get().invokes && get().unreachable === undefined) {
      await until(
        'the updated function to answer',
        () => invoke(p, 'upd'),
        (r) => /^greeting=hello$/m.test(r.text),
      );
    }
    await p.remove('upd', NS);
  });

  test('scale: up, down and to zero; availableReplicas follows', async (t) => {
    if (need(t, 'scaling')) return;
    const { provider: p, images } = get();
    await p.deploy(deployment({ service: 'scaled', image: images.echo }));
    await available(p, 'scaled', 1);
    await p.scale('scaled', NS, 3);
    assert.equal((await p.get('scaled', NS)).replicas, 3);
    await available(p, 'scaled', 3);
    await p.scale('scaled', NS, 1);
    await available(p, 'scaled', 1);
    if (!need(t, 'scaleToZero')) {
      await p.scale('scaled', NS, 0);
      const s = await available(p, 'scaled', 0);
      assert.equal(s.replicas, 0);
      await rejectsWith(p.resolve('scaled', NS), 'NO_REPLICAS');
      await p.scale('scaled', NS, 1);
      await available(p, 'scaled', 1);
    }
    await p.remove('scaled', NS);
  });

  test('resolve: round-robin over ready replicas, each answering HTTP', async (t) => {
    if (need(t, 'invokes') || need(t, 'scaling')) return;
    const { provider: p, images } = get();
    await p.deploy(
      deployment({ service: 'rr', image: images.echo, labels: { 'com.openfaas.scale.min': '3' } }),
    );
    await available(p, 'rr', 3);
    const urls: string[] = [];
    for (let i = 0; i < 6; i++) urls.push(String(await p.resolve('rr', NS)));
    assert.equal(new Set(urls).size, 3, `three replicas in turn: ${urls.join(' ')}`);
    assert.deepEqual(urls.slice(0, 3), urls.slice(3));
    for (const url of new Set(urls)) {
      const res = await fetch(url, { method: 'POST', body: 'hello' });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'hello');
    }
    await p.remove('rr', NS);
  });

  test('remove: gone from get, list and resolve', async () => {
    const { provider: p, images } = get();
    await p.deploy(deployment({ service: 'gone', image: images.echo }));
    await p.remove('gone', NS);
    await rejectsWith(p.get('gone', NS), 'FUNCTION_NOT_FOUND');
    await rejectsWith(p.resolve('gone', NS), 'FUNCTION_NOT_FOUND');
    assert.equal(
      (await p.list(NS)).some((f) => f.name === 'gone'),
      false,
    );
  });
}

function registerSecretCases(get: () => ConformanceTarget, need: Need): void {
  test('secrets: create, list names only, update, remove, and their errors', async (t) => {
    if (need(t, 'secrets')) return;
    const s = get().provider.secrets;
    await s.create({ name: 'api-key', namespace: NS, value: Buffer.from('k1') });
    await rejectsWith(
      s.create({ name: 'api-key', namespace: NS, value: Buffer.from('x') }),
      'SECRET_EXISTS',
    );
    const listed = (await s.list(NS)).filter((x) => x.name === 'api-key');
    assert.deepEqual(listed, [{ name: 'api-key', namespace: NS }]);
    if (!need(t, 'secretUpdate')) {
      await s.update({ name: 'api-key', namespace: NS, value: Buffer.from('k2') });
      await rejectsWith(
        s.update({ name: 'nope', namespace: NS, value: Buffer.from('x') }),
        'SECRET_NOT_FOUND',
      );
    }
    await s.remove('api-key', NS);
    await rejectsWith(s.remove('api-key', NS), 'SECRET_NOT_FOUND');
    assert.equal(
      (await s.list(NS)).some((x) => x.name === 'api-key'),
      false,
    );
  });

  test('deploy naming an unknown secret is UNKNOWN_SECRET', async (t) => {
    if (need(t, 'secrets')) return;
    const { provider: p, images } = get();
    const err = await rejectsWith(
      p.deploy(deployment({ service: 'needs', image: images.echo, secrets: ['nope'] })),
      'UNKNOWN_SECRET',
    );
    assert.match(err.message, /secret not found: nope/);
    await rejectsWith(p.get('needs', NS), 'FUNCTION_NOT_FOUND');
  });

  test('a function reads its secret file, and sees an updated value', async (t) => {
    if (need(t, 'secrets') || need(t, 'invokes')) return;
    const { provider: p, images } = get();
    await p.secrets.create({ name: 'db-pass', namespace: NS, value: Buffer.from('s3cret') });
    await p.deploy(deployment({ service: 'reader', image: images.secret, secrets: ['db-pass'] }));
    assert.deepEqual((await p.get('reader', NS)).secrets, ['db-pass']);
    await available(p, 'reader', 1);
    assert.deepEqual(await invoke(p, 'reader', 'db-pass'), { status: 200, text: 's3cret' });
    if (!need(t, 'secretUpdate')) {
      await p.secrets.update({ name: 'db-pass', namespace: NS, value: Buffer.from('rotated') });
      await until(
        'the new secret value',
        () => invoke(p, 'reader', 'db-pass'),
        (r) => r.text === 'rotated',
      );
    }
    await p.remove('reader', NS);
    await p.secrets.remove('db-pass', NS);
  });
}

function registerLogCases(get: () => ConformanceTarget, need: Need): void {
  test('logs: an invocation logs "Forking fprocess" with name, namespace, instance, timestamp', async (t) => {
    if (need(t, 'logs') || need(t, 'invokes')) return;
    const { provider: p, images } = get();
    await p.deploy(deployment({ service: 'logged', image: images.echo }));
    await available(p, 'logged', 1);
    await invoke(p, 'logged', 'hi');
    const read = (): Promise<LogLine[]> => readLogs(p, 'logged');
    const lines = await until('Forking fprocess in the logs', read, (ls) =>
      ls.some((l) => l.text.includes('Forking fprocess')),
    );
    const line = lines.find((l) => l.text.includes('Forking fprocess'));
    assert.equal(line?.name, 'logged');
    assert.equal(line?.namespace, NS);
    assert.ok(line?.instance, 'instance names the replica');
    assert.ok(!Number.isNaN(Date.parse(line?.timestamp ?? '')), 'timestamp is a time');
    // tail: the last n of what a full read returns (retried: a line may land in between)
    await until(
      'tail 2 to be the last two lines',
      async () => [await readLogs(p, 'logged'), await readLogs(p, 'logged', 2)] as const,
      ([all, tail]) => tail.length === 2 && isDeepStrictEqual(tail, all.slice(-2)),
    );
    await p.remove('logged', NS);
  });

  test('logs: follow yields new lines until the signal aborts', async (t) => {
    if (need(t, 'logs') || need(t, 'invokes')) return;
    const { provider: p, images } = get();
    await p.deploy(deployment({ service: 'followed', image: images.echo }));
    await available(p, 'followed', 1);
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), 20_000);
    const seen: string[] = [];
    const following = (async () => {
      const req = { name: 'followed', namespace: NS, follow: true, tail: 0 };
      for await (const l of p.logs(req, abort.signal)) {
        seen.push(l.text);
        if (l.text.includes('Forking fprocess')) abort.abort();
      }
    })();
    await invoke(p, 'followed', 'hi');
    await following; // ends because the signal aborted
    clearTimeout(deadline);
    assert.ok(seen.some((s) => s.includes('Forking fprocess')));
    await p.remove('followed', NS);
  });
}
