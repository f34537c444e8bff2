/**
 * `faas swarm up|down`: the platform itself on the current Docker Swarm (docs/swarm.md). The
 * steps live in ../swarm/; this file reads the flags and prints the progress.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type Docker from 'dockerode';
import { collect } from '../context.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { baseImageSetting } from '../images/base-image.ts';
import { dockerAvailable, dockerClient } from '../images/docker-engine.ts';
import { swarmDown, swarmUp } from '../swarm/platform.ts';
import { SWARM_DEFAULTS, passwordFile, swarmSettings } from '../swarm/settings.ts';
import type { SwarmFlags } from '../swarm/settings.ts';

interface UpFlags extends SwarmFlags {
  image?: string;
  skipBuild?: boolean;
  push?: boolean;
  passwordStdin?: boolean;
  env?: string[];
  constraint?: string[];
}

async function engine(ctx: CliContext): Promise<Docker> {
  const docker = dockerClient(ctx.env);
  const answer = await dockerAvailable(docker, ctx.env);
  if (!answer.ok) throw new CliError(`${answer.reason}: faas swarm needs a Swarm manager`);
  return docker;
}

const common = (cmd: Command): Command =>
  cmd
    .option('--name <service>', 'gateway service name', SWARM_DEFAULTS.service)
    .option('--network <name>', 'functions network (attachable overlay)', SWARM_DEFAULTS.network)
    .option('--secret-prefix <prefix>', 'prefix of the credential secrets’ names', '');

export function registerSwarmCommands(program: Command, ctx: CliContext): void {
  const swarm = program
    .command('swarm')
    .description('run the platform on the current Docker Swarm');
  const say = (line: string): void => ctx.out(`${line}\n`);

  common(swarm.command('up').description('build the gateway image and deploy or update it'))
    .option(
      '-p, --port <port>',
      'host port the gateway is published on',
      String(SWARM_DEFAULTS.port),
    )
    .option('--user <name>', 'admin user (when the secret is created)', SWARM_DEFAULTS.user)
    .option('--password-stdin', 'admin password from stdin (when the secret is created)')
    .option('--image <image>', 'gateway image name (default faas/gateway:<version>-<hash>)')
    .option('--skip-build', 'deploy --image as it is')
    .option('--push', 'push the gateway image to the registry its name gives')
    .option('-e, --env <k=v>', 'extra gateway environment (repeatable)', collect)
    .option(
      '--constraint <c>',
      'placement constraint besides node.role == manager (repeatable)',
      collect,
    )
    .action(async (o: UpFlags) => {
      const settings = swarmSettings(o, ctx.cwd);
      const password = o.passwordStdin
        ? (await ctx.readStdin()).toString('utf8').trim()
        : undefined;
      if (o.passwordStdin && !password) throw new CliError('--password-stdin: stdin is empty');
      for (const kv of o.env ?? []) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(kv))
          throw new CliError(`--env ${JSON.stringify(kv)} must be key=value`);
      }
      const url = await swarmUp(await engine(ctx), {
        settings,
        base: baseImageSetting(ctx.env),
        image: o.image,
        skipBuild: o.skipBuild === true,
        push: o.push === true,
        password,
        env: o.env,
        constraints: o.constraint,
        say,
      });
      say(`gateway: ${url} (service ${settings.service}, network ${settings.network})`);
      const file = passwordFile(settings);
      const from = existsSync(file) ? file : 'YOUR_PASSWORD_FILE';
      say(`log in: faas login -g ${url} -u ${settings.user} --password-stdin < ${from}`);
    });

  common(swarm.command('down').description('remove the gateway service'))
    .option('--all', 'also function services on the network, secrets and the network')
    .action(async (o: SwarmFlags & { all?: boolean }) => {
      const settings = swarmSettings(o, ctx.cwd);
      await swarmDown(await engine(ctx), { settings, all: o.all === true, say });
    });
}
