/** The attachable overlay network functions and the gateway share: made when missing. */
import type Docker from 'dockerode';
import type { Logger } from '../../log.ts';
import { engine, engineError, statusOf } from './docker-errors.ts';
import { NETWORK_LABEL } from './labels.ts';

/** Creates `name` (overlay, attachable, labelled) unless it exists; a wrong kind is logged. */
export async function ensureNetwork(docker: Docker, name: string, logger: Logger): Promise<void> {
  const found = await engine(docker, 'list networks', () =>
    docker.listNetworks({ filters: { name: [name] } }),
  );
  const net = found.find((n) => n.Name === name);
  if (net) {
    if (net.Driver !== 'overlay' || !net.Attachable) {
      logger.error(
        `swarm provider: network ${name} is ${net.Driver}${net.Attachable ? '' : ', not attachable'}; functions need an attachable overlay network`,
      );
    }
    return;
  }
  try {
    await docker.createNetwork({
      Name: name,
      Driver: 'overlay',
      Attachable: true,
      CheckDuplicate: true,
      Labels: { [NETWORK_LABEL]: 'true' },
    });
    logger.info(`swarm provider: created overlay network ${name}`);
  } catch (err) {
    if (statusOf(err) !== 409) throw engineError(docker, `create network ${name}`, err);
  }
}
