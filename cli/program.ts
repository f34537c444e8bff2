/** The `faas` command tree: faas-cli's verbs and flags (CONTRACT §5.2). */
import { Command } from 'commander';
import { VERSION } from './context.ts';
import { commanderLine } from './errors.ts';
import type { CliContext } from './context.ts';
import { registerBuildCommands } from './commands/build.ts';
import { registerDeployFromFlags } from './commands/deploy.ts';
import { deployFromStack } from './commands/stack-deploy.ts';
import { registerFunctionCommands } from './commands/functions.ts';
import { registerInvokeCommands } from './commands/invoke.ts';
import { registerLoginCommands } from './commands/login.ts';
import { registerLogsCommand } from './commands/logs.ts';
import { registerPushCommand } from './commands/push.ts';
import { registerSecretCommands } from './commands/secret.ts';
import { registerSwarmCommands } from './commands/swarm.ts';
import { dockerClient } from './images/docker-engine.ts';

export function createProgram(ctx: CliContext): Command {
  const program = new Command('faas')
    .description('faas: deploy and call functions on a faas or OpenFaaS gateway')
    .version(VERSION, '--cli-version')
    .exitOverride()
    .configureOutput({
      writeOut: ctx.out,
      // commander writes here only the help of `faas` or `faas secret` run without a
      // subcommand: faas-cli prints that on stdout and succeeds (main.ts exits 0 for it)
      writeErr: ctx.out,
      // one line per failure, as for every other error (main.ts), without a help hint
      outputError: (text) => ctx.err(commanderLine(text)),
    });
  registerFunctionCommands(program, ctx);
  registerInvokeCommands(program, ctx);
  registerLogsCommand(program, ctx);
  registerSecretCommands(program, ctx);
  registerLoginCommands(program, ctx);
  registerDeployFromFlags(program, ctx, (o) => deployFromStack(ctx, o));
  registerBuildCommands(program, ctx);
  registerPushCommand(program, ctx, () => dockerClient(ctx.env));
  registerSwarmCommands(program, ctx);
  return program;
}
