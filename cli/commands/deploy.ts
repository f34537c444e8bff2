/**
 * deploy: PUT each function, POST it when the gateway says 404 (what faas-cli does), from a
 * stack file or from flags (--image --name).
 */
import type { Command } from 'commander';
import type { FunctionDeployment } from '../../gateway/contract/types.ts';
import { CliError } from '../errors.ts';
import { clientFor, collect, keyValues } from '../context.ts';
import type { CliContext } from '../context.ts';

export interface DeployFlags {
  gateway?: string;
  image?: string;
  name?: string;
  fprocess?: string;
  env?: string[];
  label?: string[];
  annotation?: string[];
  secret?: string[];
  constraint?: string[];
  readonly?: boolean;
}

/** Flags on top of what a stack file (or nothing) gave: maps merge, lists add. */
export function applyFlags(base: FunctionDeployment, f: DeployFlags): FunctionDeployment {
  const d: FunctionDeployment = {
    ...base,
    envVars: { ...base.envVars, ...keyValues('env', f.env) },
    labels: { ...base.labels, ...keyValues('label', f.label) },
    annotations: { ...base.annotations, ...keyValues('annotation', f.annotation) },
    secrets: [...(base.secrets ?? []), ...(f.secret ?? [])],
    constraints: [...(base.constraints ?? []), ...(f.constraint ?? [])],
  };
  if (f.fprocess) d.envProcess = f.fprocess;
  if (f.readonly) d.readOnlyRootFilesystem = true;
  return d;
}

export async function deployAll(
  ctx: CliContext,
  ds: FunctionDeployment[],
  gatewayFlag?: string,
  stackGateway?: string,
): Promise<void> {
  const client = await clientFor(ctx, gatewayFlag, stackGateway);
  for (const d of ds) {
    ctx.out(`Deploying: ${d.service}.\n`);
    await client.deploy(d);
    ctx.out(`\nDeployed. 202 Accepted.\nURL: ${client.gateway}/function/${d.service}\n\n`);
  }
}

export function deployFlags(cmd: Command): Command {
  return cmd
    .option('-g, --gateway <url>', 'gateway URL')
    .option('--image <image>', 'image to deploy (without a stack file)')
    .option('--name <name>', 'function name (without a stack file)')
    .option('--fprocess <command>', 'the process the watchdog runs')
    .option('-e, --env <k=v>', 'environment variable (repeatable)', collect)
    .option('-l, --label <k=v>', 'label (repeatable)', collect)
    .option('--annotation <k=v>', 'annotation (repeatable)', collect)
    .option('--secret <name>', 'secret the function may read (repeatable)', collect)
    .option('--constraint <c>', 'placement constraint (repeatable)', collect)
    .option('--readonly', 'read-only root filesystem');
}

export function registerDeployFromFlags(
  program: Command,
  ctx: CliContext,
  fromStack: (o: DeployFlags & { yaml?: string; filter?: string; regex?: string }) => Promise<void>,
): void {
  deployFlags(program.command('deploy').description('deploy functions from a stack file or flags'))
    .option('-f, --yaml <file>', 'stack file (default stack.yml, then stack.yaml)')
    .option('--filter <glob>', 'only functions whose name matches')
    .option('--regex <regex>', 'only functions whose name matches')
    .action(async (o: DeployFlags & { yaml?: string; filter?: string; regex?: string }) => {
      if (o.image || o.name) {
        if (!o.image || !o.name)
          throw new CliError('deploying without a stack file needs both --image and --name');
        return deployAll(ctx, [applyFlags({ service: o.name, image: o.image }, o)], o.gateway);
      }
      await fromStack(o);
    });
}
