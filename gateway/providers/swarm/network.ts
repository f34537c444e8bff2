/** The attachable overlay network functions and the gateway share: made when missing. */
import type Docker from 'dockerode';
import type { Logger } from '../../log.ts';
import { engine, engineError, statusOf } from './docker-errors.ts';
import { NETWORK_LABEL } from './labels.ts';

async function findNetwork(docker: Docker, name: string) {
  const found = await engine(docker, 'list networks', () =>
    docker.listNetworks({ filters: { name: [name] } }),
  );
  return found.find((n) => n.Name === name);
}

/**
 * Creates `name` (overlay, attachable, labelled) unless it exists; a wrong kind is logged.
 * Returns its id: services name their networks by id.
 */
export async function ensureNetwork(docker: Docker, name: string, logger: Logger): Promise<string> {
  const net = await findNetwork(docker, name);
  if (net) {
    if (net.Driver !== 'overlay' || !net.Attachable) {
      logger.error(
        `swarm provider: network ${name} is ${net.Driver}${net.Attachable ? '' : ', not attachable'}; functions need an attachable overlay network`,
      );
    }
    return net.Id;
  }
  try {
    const created = await docker.createNetwork({
      Name: name,
      Driver: 'overlay',
      Attachable: true,
      CheckDuplicate: true,
      Labels: { [NETWORK_LABEL]: 'true' },
    });
    logger.info(`swarm provider: created overlay network ${name}`);
    return created.id;
  } catch (err) {
    if (statusOf(err) !== 409) throw engineError(docker, `create network ${name}`, err);
    const raced = await findNetwork(docker, name);
    if (!raced) throw engineError(docker, `create network ${name}`, err);
    return raced.Id;
  }
}
