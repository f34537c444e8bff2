/**
 * The conformance suite against the Swarm provider on this machine's swarm: real services on a
 * network of their own, every name behind a per-run prefix, all removed afterwards. Invoking
 * replicas is skipped (the host cannot reach overlay addresses); the Swarm provider's own tests
 * invoke from inside a replica and the Swarm e2e through the gateway service.
 */
import { dockerAvailable, dockerClient, START_DOCKERD } from '../support/docker.ts';
import { swarmHarness } from '../gateway/providers/swarm/harness.ts';
import { conformance } from './suite.ts';

const docker = dockerClient();
const engine = await dockerAvailable(docker);
if (!engine.ok && process.env.CI === 'true') throw new Error(`${engine.reason}; ${START_DOCKERD}`);

if (engine.ok) {
  conformance('swarm', async () => {
    const h = await swarmHarness(docker, 'faasconf');
    return {
      provider: h.provider,
      images: h.images,
      invokes: true,
      unreachable: 'the host cannot reach the overlay network; the Swarm e2e covers invocation',
      checksImages: true,
      close: () => h.close(),
    };
  });
} else {
  const { test } = await import('node:test');
  test('provider conformance: swarm', (t) => t.skip(`${engine.reason}; ${START_DOCKERD}`));
}
