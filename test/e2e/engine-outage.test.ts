/**
 * The gateway on the Swarm provider while its Docker engine goes away and comes back: /healthz
 * says 503 and the API answers with an error naming the engine (no hang, no crash); once the
 * engine answers again the same gateway process serves as before. The engine is cut by closing
 * a unix-socket relay in front of the real dockerd (restarting the shared dockerd would break
 * the other tests running beside this one; to the gateway both look the same: the socket refuses).
 */
import assert from 'node:assert/strict';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerEndpoint, requireDocker } from '../support/docker.ts';
import { eventually } from '../watchdog/harness.ts';
import { ADMIN, freePort, startGateway, workDir } from './harness.ts';

const auth = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;

/** A relay from `path` to the engine's socket; close() refuses new and cuts open connections. */
async function relay(path: string, engine: string): Promise<{ close(): Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(engine);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s)).on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(path, r));
  return {
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

test('engine outage: /healthz 503 while dockerd is unreachable, the same gateway recovers', async (t) => {
  const docker = await requireDocker(t);
  if (!docker) return;
  const network = `faas-outage-${process.pid}-${Date.now().toString(36)}`;
  t.after(() =>
    docker
      .getNetwork(network)
      .remove()
      .catch(() => undefined),
  );
  const engine = dockerEndpoint().replace(/^unix:\/\//, '');
  const dir = workDir(t);
  const socket = join(dir, 'docker.sock');
  let cut = await relay(socket, engine);
  t.after(() => cut.close());
  const port = await freePort();
  const gateway = await startGateway(t, dir, port, {
    provider: 'swarm',
    docker_socket: socket,
    functions_network: network,
  });
  const base = `http://127.0.0.1:${port}`;
  const health = async (): Promise<number> => (await fetch(`${base}/healthz`)).status;
  const list = (): Promise<Response> =>
    fetch(`${base}/system/functions`, { headers: { authorization: auth } });

  assert.equal(await health(), 200);
  assert.equal((await list()).status, 200);

  await cut.close();
  await eventually(async () => (await health()) === 503, 10_000);
  const down = await list();
  assert.equal(down.status, 503);
  assert.match(await down.text(), /Docker engine at unix:\/\/.*docker\.sock does not answer/);

  cut = await relay(socket, engine);
  await eventually(async () => (await health()) === 200, 10_000);
  assert.equal((await list()).status, 200);
  assert.equal(gateway.exitCode, null, 'the gateway kept running');
});
