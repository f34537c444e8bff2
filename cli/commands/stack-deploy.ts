/** deploy from a stack file (wired to cli/stack once it lands). */
import { CliError } from '../errors.ts';
import type { CliContext } from '../context.ts';
import type { DeployFlags } from './deploy.ts';

export async function deployFromStack(
  _ctx: CliContext,
  o: DeployFlags & { yaml?: string },
): Promise<void> {
  throw new CliError(
    `deploying from a stack file (${o.yaml ?? 'stack.yml'}) is not available yet: use --image and --name`,
  );
}
