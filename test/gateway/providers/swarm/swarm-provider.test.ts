/**
 * The Swarm provider against the real dockerd on this machine: what the conformance suite
 * cannot see from the host (the service spec Swarm stores, the secret file inside a replica,
 * invocation and logs from inside the container, secret rotation by rolling update), plus an
 * engine that is not there. Every name carries a per-run prefix; t.after removes them all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { isFaasError } from '../../../../gateway/contract/errors.ts';
import type { ErrorCode } from '../../../../gateway/contract/errors.ts';
import { SwarmProvider } from '../../../../gateway/providers/swarm/index.ts';
import { deployment } from '../../../conformance/suite.ts';
import {
  START_DOCKERD,
  demuxLogs,
  dockerAvailable,
  dockerClient,
} from '../../../support/docker.ts';
import { until } from '../../../support/poll.ts';
import { swarmHarness } from './harness.ts';
import type { SwarmHarness } from './harness.ts';

const NS = 'openfaas-fn';

async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<Error> {
  let caught: unknown;
  await assert.rejects(p, (err) => {
    caught = err;
    return isFaasError(err, code);
  });
  return caught as Error;
}

/** Runs `cmd` in the running container of the function's newest running task. */
async function execIn(
  h: SwarmHarness,
  name: string,
  cmd: string[],
  stdin?: string,
): Promise<{ task: string; stdout: string; stderr: string }> {
  const tasks = (await h.docker.listTasks({
    filters: { service: [`${h.prefix}${name}`], 'desired-state': ['running'] },
  })) as {
    ID: string;
    CreatedAt: string;
    Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
  }[];
  const running = tasks
    .filter((t) => t.Status?.State === 'running')
    .sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt));
  const task = running[0];
  const id = task?.Status?.ContainerStatus?.ContainerID;
  assert.ok(task && id, `a running task of ${name}`);
  const exec = await h.docker.getContainer(id).exec({
    Cmd: stdin === undefined ? cmd : ['sh', '-c', `printf %s "$0" | ${cmd.join(' ')}`, stdin],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return { task: task.ID, ...demuxLogs(Buffer.concat(chunks)) };
}

/** POSTs `body` to the watchdog from inside its own container (the host cannot reach it). */
const NODE_POST = (body: string): string[] => [
  'node',
  '-e',
  `fetch('http://127.0.0.1:8080', { method: 'POST', body: ${JSON.stringify(body)} })` +
    '.then(async (r) => console.log(r.status, await r.text()))',
];

test('an engine that is not there: PROVIDER_UNAVAILABLE naming the socket, healthy() false', async () => {
  const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });
  const p = new SwarmProvider({ docker, network: 'unused' });
  assert.equal(await p.healthy(), false);
  const err = await rejectsWith(p.start(), 'PROVIDER_UNAVAILABLE');
  assert.match(err.message, /unix:\/\/\/nonexistent\/docker\.sock does not answer/);
  await rejectsWith(p.get('x', NS), 'PROVIDER_UNAVAILABLE');
  await rejectsWith(p.list(NS), 'PROVIDER_UNAVAILABLE');
  await rejectsWith(p.secrets.list(NS), 'PROVIDER_UNAVAILABLE');
});

describe('Swarm provider on the real swarm', () => {
  let h: SwarmHarness | undefined;
  let skipped = '';
  before(async () => {
    const docker = dockerClient();
    const engine = await dockerAvailable(docker);
    if (!engine.ok) {
      // CI starts dockerd, so there a missing engine is a failure (see requireDocker)
      if (process.env.CI === 'true') throw new Error(`${engine.reason}; ${START_DOCKERD}`);
      skipped = `${engine.reason}; ${START_DOCKERD}`;
      return;
    }
    h = await swarmHarness(docker, 'faasct');
  });
  after(() => h?.close());

  test('start: the network is an attachable overlay labelled openfaas=true; healthy', async (t) => {
    if (!h) return t.skip(skipped);
    const net = (await h.docker.getNetwork(h.network).inspect()) as {
      Driver: string;
      Attachable: boolean;
      Labels: Record<string, string>;
    };
    assert.deepEqual([net.Driver, net.Attachable, net.Labels.openfaas], ['overlay', true, 'true']);
    await h.provider.start(); // idempotent
    assert.equal(await h.provider.healthy(), true);
    assert.deepEqual(h.provider.info(), {
      provider: 'faas-swarm',
      orchestration: 'swarm',
      version: 'dev',
    });
  });

  test('list: only function services, never others such as the gateway', async (t) => {
    if (!h) return t.skip(skipped);
    await h.docker.createService({
      Name: `${h.prefix}gateway`,
      Labels: { 'com.openfaas.gateway': 'true' },
      TaskTemplate: { ContainerSpec: { Image: h.images.echo } },
      Mode: { Replicated: { Replicas: 0 } },
      EndpointSpec: { Mode: 'dnsrr' },
    });
    assert.equal(
      (await h.provider.list(NS)).some((f) => f.name === 'gateway'),
      false,
    );
    await rejectsWith(h.provider.get('gateway', NS), 'FUNCTION_NOT_FOUND');
  });

  test("a gateway on another functions network sees none of this one's functions", async (t) => {
    if (!h) return t.skip(skipped);
    const other = new SwarmProvider({
      docker: h.docker,
      network: `${h.prefix}other`,
      prefix: h.prefix,
    });
    await other.start();
    t.after(() =>
      h!.docker
        .getNetwork(`${h!.prefix}other`)
        .remove()
        .catch(() => undefined),
    );
    await h.provider.deploy(deployment({ service: 'mine', image: h.images.echo }));
    assert.ok((await h.provider.list(NS)).some((f) => f.name === 'mine'));
    assert.equal((await other.list(NS)).length, 0);
    await rejectsWith(other.get('mine', NS), 'FUNCTION_NOT_FOUND');
    await rejectsWith(other.scale('mine', NS, 0), 'FUNCTION_NOT_FOUND');
    assert.equal((await h.provider.get('mine', NS)).replicas, 1, 'not scaled by the other');
    await h.provider.remove('mine', NS);
  });

  test('the spec Swarm stores, the image byte for byte, a read-only root with /tmp', async (t) => {
    if (!h) return t.skip(skipped);
    const p = h.provider;
    await p.deploy(
      deployment({
        service: 'spec',
        image: `docker.io/${h.images.echo}`, // Docker stores it as h.images.echo
        envProcess: 'cat',
        envVars: { greeting: 'hello' },
        labels: { team: 'blue' },
        annotations: { topic: 'a' },
        limits: { memory: '64Mi', cpu: '100m' },
        requests: { memory: '1Mi', cpu: '0.05' },
        readOnlyRootFilesystem: true,
        constraints: ['node.role == manager'],
      }),
    );
    const s = (await h.docker.getService(`${h.prefix}spec`).inspect()) as Docker.Service;
    const spec = s.Spec!;
    const task = spec.TaskTemplate as Docker.ContainerTaskSpec;
    assert.equal(spec.EndpointSpec?.Mode, 'dnsrr');
    assert.equal(spec.Labels?.['com.openfaas.function'], 'spec');
    assert.equal(spec.Labels?.function, 'true');
    assert.equal(spec.Labels?.['com.openfaas.annotations.topic'], 'a');
    assert.equal(task.ContainerSpec?.Init, true);
    assert.equal(task.ContainerSpec?.ReadOnly, true);
    assert.deepEqual(task.RestartPolicy, { Condition: 'any', Delay: 5e9, MaxAttempts: 5 });
    assert.deepEqual(task.Resources?.Limits, { MemoryBytes: 64 * 2 ** 20, NanoCPUs: 1e8 });
    assert.deepEqual(task.Resources?.Reservations, { MemoryBytes: 4 * 2 ** 20, NanoCPUs: 5e7 });
    const { Parallelism, Order, FailureAction } = spec.UpdateConfig ?? {};
    assert.deepEqual([Parallelism, Order, FailureAction], [1, 'start-first', 'rollback']);
    const state = await p.get('spec', NS);
    assert.equal(state.image, `docker.io/${h.images.echo}`, 'the image as deployed, byte for byte');
    assert.deepEqual(
      [state.limits, state.requests, state.constraints, state.readOnlyRootFilesystem],
      [
        { memory: '64Mi', cpu: '100m' },
        { memory: '1Mi', cpu: '0.05' },
        ['node.role == manager'],
        true,
      ],
    );
    await until(
      'spec to run',
      () => p.get('spec', NS),
      (x) => x.availableReplicas === 1,
    );
    const fs = await execIn(h, 'spec', [
      'node',
      '-e',
      "const fs = require('fs'); fs.writeFileSync('/tmp/x', '1');" +
        "try { fs.writeFileSync('/x', '1'); console.log('writable') } catch (e) { console.log(e.code) }",
    ]);
    assert.equal(fs.stdout.trim(), 'EROFS');
    const answer = await execIn(h, 'spec', NODE_POST('hi'));
    assert.equal(answer.stdout.trim(), '200 hi');
  });

  test('secrets: mounted at /var/openfaas/secrets, rotated by a rolling update, 409 in use', async (t) => {
    if (!h) return t.skip(skipped);
    const p = h.provider;
    await p.secrets.create({ name: 'db-pass', namespace: NS, value: Buffer.from('s3cret') });
    await p.deploy(deployment({ service: 'reader', image: h.images.secret, secrets: ['db-pass'] }));
    await until(
      'reader to run',
      () => p.get('reader', NS),
      (x) => x.availableReplicas === 1,
    );
    const first = await execIn(h, 'reader', NODE_POST('db-pass'));
    assert.equal(first.stdout.trim(), '200 s3cret');

    await p.secrets.update({ name: 'db-pass', namespace: NS, value: Buffer.from('rotated') });
    const second = await until(
      'a replica with the new value',
      () => execIn(h!, 'reader', NODE_POST('db-pass')),
      (r) => r.stdout.trim() === '200 rotated',
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.notEqual(second.task, first.task, 'a new task serves the new value');
    const versions = async () =>
      (await h!.docker.listSecrets({ filters: { name: [`${h!.prefix}db-pass`] } }))
        .map((s) => s.Spec?.Name)
        .sort();
    const v = (suffix: string) => `${h!.prefix}db-pass${suffix}`;
    assert.deepEqual(await versions(), [v(''), v('.v2')], 'the previous version is kept');
    await p.secrets.update({ name: 'db-pass', namespace: NS, value: Buffer.from('again') });
    assert.deepEqual(await versions(), [v('.v2'), v('.v3')], 'older versions are removed');
    assert.deepEqual((await p.get('reader', NS)).secrets, ['db-pass']);
    assert.deepEqual(await p.secrets.list(NS), [{ name: 'db-pass', namespace: NS }]);

    const err = await rejectsWith(p.secrets.remove('db-pass', NS), 'SECRET_IN_USE');
    assert.match(err.message, /reader/);
    await p.remove('reader', NS);
    await p.secrets.remove('db-pass', NS);
    const left = await h.docker.listSecrets({ filters: { name: [h.prefix] } });
    assert.deepEqual(
      left.map((s) => s.Spec?.Name),
      [],
      'every version is gone',
    );
  });

  test('logs: a line per invocation with the task as instance; follow stops on abort', async (t) => {
    if (!h) return t.skip(skipped);
    const p = h.provider;
    await p.deploy(deployment({ service: 'logged', image: h.images.echo }));
    await until(
      'logged to run',
      () => p.get('logged', NS),
      (x) => x.availableReplicas === 1,
    );
    const abort = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const l of p.logs(
        { name: 'logged', namespace: NS, follow: true, tail: 0 },
        abort.signal,
      )) {
        seen.push(l.text);
        if (l.text.includes('Forking fprocess')) abort.abort();
      }
    })();
    const { task } = await execIn(h, 'logged', NODE_POST('hi'));
    const deadline = setTimeout(() => abort.abort(), 15_000);
    await following;
    clearTimeout(deadline);
    assert.ok(
      seen.some((s) => s.includes('Forking fprocess')),
      seen.join('\n'),
    );
    const lines = await until(
      'the line in a plain read',
      async () => {
        const out = [];
        for await (const l of p.logs(
          { name: 'logged', namespace: NS, follow: false },
          AbortSignal.timeout(5000),
        ))
          out.push(l);
        return out;
      },
      (ls) => ls.some((l) => l.text.includes('Forking fprocess')),
    );
    const line = lines.find((l) => l.text.includes('Forking fprocess'));
    assert.deepEqual([line?.name, line?.namespace, line?.instance], ['logged', NS, task]);
    assert.ok(!Number.isNaN(Date.parse(line?.timestamp ?? '')));
  });

  test("a service removed behind the provider's back is FUNCTION_NOT_FOUND", async (t) => {
    if (!h) return t.skip(skipped);
    await h.provider.deploy(deployment({ service: 'vanish', image: h.images.echo }));
    await h.docker.getService(`${h.prefix}vanish`).remove();
    await rejectsWith(h.provider.get('vanish', NS), 'FUNCTION_NOT_FOUND');
    await rejectsWith(h.provider.scale('vanish', NS, 2), 'FUNCTION_NOT_FOUND');
    assert.equal(
      (await h.provider.list(NS)).some((f) => f.name === 'vanish'),
      false,
    );
  });
});
