/** deploy against a recording server: PUT first, POST only when the gateway says 404 (§5.3). */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliIn, recordingServer } from '../cli-harness.ts';

const deployArgs = (url: string) => [
  'deploy',
  '--image',
  'faas/echo:1',
  '--name',
  'echo',
  '-g',
  url,
];
const sequence = (calls: { method: string; path: string }[]) =>
  calls.map((c) => `${c.method} ${c.path}`);

test('a 404 to PUT means the function is new: the same deployment is POSTed', async (t) => {
  const { faas } = await cliIn(t);
  const gw = await recordingServer(t, (c) => ({ status: c.method === 'PUT' ? 404 : 202 }));
  const run = await faas(deployArgs(gw.url));
  assert.equal(run.error, undefined);
  assert.deepEqual(sequence(gw.calls), ['PUT /system/functions', 'POST /system/functions']);
  assert.equal(gw.calls[0]!.body, gw.calls[1]!.body);
  assert.deepEqual(JSON.parse(gw.calls[1]!.body), {
    service: 'echo',
    image: 'faas/echo:1',
    envVars: {},
    labels: {},
    annotations: {},
    secrets: [],
    constraints: [],
  });
  assert.match(
    run.out,
    /Deployed\. 202 Accepted\.\nURL: http:\/\/127\.0\.0\.1:\d+\/function\/echo/,
  );
});

test('a 200 or 202 to PUT is an update: nothing is POSTed', async (t) => {
  for (const status of [200, 202]) {
    const { faas } = await cliIn(t);
    const gw = await recordingServer(t, () => ({ status }));
    assert.equal((await faas(deployArgs(gw.url))).error, undefined);
    assert.deepEqual(sequence(gw.calls), ['PUT /system/functions']);
  }
});

test('any other answer to PUT fails with the gateway words, without a POST', async (t) => {
  const { faas } = await cliIn(t);
  const gw = await recordingServer(t, () => ({ status: 400, body: 'image is required' }));
  const run = await faas(deployArgs(gw.url));
  assert.equal(
    run.error?.message,
    'Unexpected status: 400, message: image is required (deploying echo)',
  );
  assert.deepEqual(sequence(gw.calls), ['PUT /system/functions']);
});

test("the stack file's provider.gateway beats OPENFAAS_URL; --gateway beats both", async (t) => {
  const stackGw = await recordingServer(t, () => ({ status: 202 }));
  const envGw = await recordingServer(t, () => ({ status: 202 }));
  const flagGw = await recordingServer(t, () => ({ status: 202 }));
  const { dir, faas } = await cliIn(t, { OPENFAAS_URL: envGw.url });
  await writeFile(
    join(dir, 'stack.yml'),
    `provider:\n  name: openfaas\n  gateway: ${stackGw.url}/\nfunctions:\n  echo: {image: faas/echo:1}\n`,
  );
  assert.equal((await faas(['deploy'])).error, undefined);
  assert.deepEqual([stackGw.calls.length, envGw.calls.length], [1, 0]);
  assert.equal((await faas(['deploy', '-g', flagGw.url])).error, undefined);
  assert.deepEqual([flagGw.calls.length, stackGw.calls.length, envGw.calls.length], [1, 1, 0]);
});
