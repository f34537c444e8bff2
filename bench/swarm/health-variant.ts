/**
 * The comparison variant of deploy → first 200: the run's `cat` image with a health check added,
 * probing every HEALTH_INTERVAL with `cat`. `faas build` images have none (cli/build/dockerfile.ts);
 * Swarm lists a task with one only once it is healthy, and Docker runs the first probe one
 * interval after the container starts (engine 20.10 has no --start-interval), so the difference
 * between the two series is what even a fast health check costs a deploy.
 */
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { followProgress } from '../../cli/images/docker-engine.ts';
import { tarOf } from './throughput.ts';

export const HEALTH_INTERVAL = '250ms';

/** Builds `<image>` + the faster health check as `tag`; the tag carries the run's names. */
export async function buildHealthVariant(
  docker: Docker,
  image: string,
  tag: string,
): Promise<string> {
  const dockerfile = [
    `FROM ${image}`,
    `HEALTHCHECK --interval=${HEALTH_INTERVAL} --timeout=3s --retries=3 CMD ["cat", "/tmp/.lock"]`,
    '',
  ].join('\n');
  const stream = await docker.buildImage(Readable.from([await tarOf('Dockerfile', dockerfile)]), {
    t: tag,
  });
  await followProgress(docker, stream);
  return tag;
}
