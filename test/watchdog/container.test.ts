/**
 * The watchdog bundle inside a real container, as function images carry it: built FROM the
 * local Node base image, reached on a loopback-published port, stopped with SIGTERM.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type Docker from 'dockerode';
import request from 'supertest';
import { pack } from 'tar-stream';
import { demuxLogs, ensureNodeBaseImage, requireDocker } from '../support/docker.ts';
import { BUNDLE, eventually } from './harness.ts';

const IMAGE = 'faas/watchdog-test:latest';

async function buildImage(docker: Docker, base: string): Promise<void> {
  const context = pack();
  const dockerfile = [
    `FROM ${base}`,
    'COPY watchdog.js /home/app/watchdog.js',
    'ENV fprocess=cat healthcheck_interval=1',
    'CMD ["node", "/home/app/watchdog.js"]',
  ].join('\n');
  context.entry({ name: 'Dockerfile' }, dockerfile);
  context.entry({ name: 'watchdog.js' }, readFileSync(BUNDLE));
  context.finalize();
  // tar-stream's Pack is a streamx stream; dockerode only pipes it.
  const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: IMAGE,
    rm: true,
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err, out: { error?: string }[]) => {
      const failed = err ?? out.find((o) => o.error)?.error;
      return failed ? reject(new Error(String(failed))) : resolve();
    }),
  );
}

test('the bundled watchdog serves a function from a container and stops cleanly on SIGTERM', async (t) => {
  const docker = await requireDocker(t);
  if (!docker) return;
  await buildImage(docker, await ensureNodeBaseImage(docker));
  const container = await docker.createContainer({
    Image: IMAGE,
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  t.after(() => container.remove({ force: true }));
  await container.start();
  const info = await container.inspect();
  const port = info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort;
  assert.ok(port, 'port 8080 is published on loopback');
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () =>
      (
        await request(url)
          .get('/_/health')
          .catch(() => undefined)
      )?.status === 200,
    15_000,
  );

  const res = await request(url)
    .post('/')
    .set('Content-Type', 'text/plain')
    .send('from a container');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'from a container');

  await container.stop({ t: 10 }); // SIGTERM, then the watchdog drains and exits by itself
  const state = (await container.inspect()).State;
  assert.equal(state.ExitCode, 0);
  const logs = demuxLogs(await container.logs({ stdout: true, stderr: true, follow: false }));
  assert.match(logs.stderr, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} Forking fprocess\.$/m);
  assert.match(logs.stderr, /Wrote 16 Bytes - Duration: /);
  assert.match(logs.stderr, /SIGTERM received/);
});
