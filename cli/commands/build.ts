/** build, up, template list: from a handler folder to a deployed function. */
import { join } from 'node:path';
import type { Command } from 'commander';
import type Docker from 'dockerode';
import { imageDir } from '../../gateway/contract/image-format.ts';
import { buildDockerImage, findWatchdogBundle } from '../build/docker-build.ts';
import type { ImageSource } from '../build/docker-build.ts';
import { buildLocal } from '../build/local-build.ts';
import type { CliContext } from '../context.ts';
import { baseImageSetting } from '../images/base-image.ts';
import { dockerAvailable, dockerClient } from '../images/docker-engine.ts';
import { assertBuildable } from '../stack/build-check.ts';
import type { FunctionSpec } from '../stack/types.ts';
import { findTemplate, listTemplates } from '../templates.ts';
import { deployFlags } from './deploy.ts';
import type { DeployFlags } from './deploy.ts';
import { registerNewCommand } from './new.ts';
import { pushFunctions } from './push.ts';
import { deployFromStack, handlerPath, stackFunctions } from './stack-deploy.ts';
import type { StackFlags, StackSelection } from './stack-deploy.ts';

const storeDir = (ctx: CliContext): string =>
  ctx.env.FAAS_IMAGE_STORE || join(ctx.cwd, '.faas', 'images');

/** The engine when one answers a ping within 2 s, else why not. */
async function reachableEngine(ctx: CliContext): Promise<Docker | string> {
  const docker = dockerClient(ctx.env);
  const engine = await dockerAvailable(docker, ctx.env);
  return engine.ok ? docker : engine.reason;
}

/** Checks the selection can be built, and says which of its keys the build will not act on. */
function prepareBuild(ctx: CliContext, { loaded, functions }: StackSelection): FunctionSpec[] {
  assertBuildable(loaded.file, functions);
  const names = new Set(functions.map((fn) => fn.name));
  for (const key of loaded.buildIgnored) {
    if (key.function === undefined || names.has(key.function)) ctx.err(`Warning: ${key.warning}\n`);
  }
  return functions.filter((fn) => !fn.skipBuild);
}

/**
 * Builds each function into the local image store, then, when a Docker engine answers, into a
 * Docker image too (lang dockerfile: only the image). Returns the engine it used, if any.
 */
async function build(ctx: CliContext, selection: StackSelection): Promise<{ docker?: Docker }> {
  const toBuild = prepareBuild(ctx, selection);
  for (const fn of selection.functions) {
    if (fn.skipBuild) ctx.out(`[${fn.name}] skip_build: using the image ${fn.image} as it is\n`);
  }
  const engine = toBuild.length > 0 ? await reachableEngine(ctx) : 'nothing to build';
  const docker = typeof engine === 'string' ? undefined : engine;
  for (const fn of toBuild) await buildOne(ctx, selection, fn, docker);
  if (toBuild.length > 0 && !docker) {
    ctx.out(`no Docker engine reachable: built into the local image store only (${engine})\n`);
  }
  return docker ? { docker } : {};
}

async function buildOne(
  ctx: CliContext,
  { loaded }: StackSelection,
  fn: FunctionSpec,
  docker: Docker | undefined,
): Promise<void> {
  const progress = (l: string): void => ctx.out(`${l}\n`);
  const template = await findTemplate(ctx.cwd, fn.lang ?? '');
  const handlerDir = handlerPath(loaded, fn);
  let source: ImageSource;
  if (template.name === 'dockerfile' && docker) {
    source = { kind: 'dockerfile', dir: handlerDir };
  } else {
    const spec = await buildLocal({
      name: fn.name,
      image: fn.image,
      handlerDir,
      template,
      fprocess: fn.fprocess,
      storeDir: storeDir(ctx),
      progress,
    });
    source = { kind: 'store', dir: imageDir(storeDir(ctx), fn.image), spec };
  }
  if (!docker) return;
  const started = Date.now();
  await buildDockerImage(docker, {
    name: fn.name,
    image: fn.image,
    source,
    base: baseImageSetting(ctx.env),
    buildArgs: fn.buildArgs,
    watchdog: await findWatchdogBundle(),
    progress,
  });
  ctx.out(`[${fn.name}] image build took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

export function registerBuildCommands(program: Command, ctx: CliContext): void {
  registerNewCommand(program, ctx);

  const stackOptions = (cmd: Command): Command =>
    cmd
      .option('-f, --yaml <file>', 'stack file (default stack.yml, then stack.yaml)')
      .option('--filter <glob>', 'only functions whose name matches')
      .option('--regex <regex>', 'only functions whose name matches');

  stackOptions(
    program
      .command('build')
      .description('build functions into the local image store, and into Docker images'),
  ).action(async (o: StackFlags) => {
    await build(ctx, await stackFunctions(ctx, o));
  });

  stackOptions(deployFlags(program.command('up').description('build, then deploy')))
    .option('--skip-push', 'do not push the images (pushed only when a Docker engine answers)')
    .option('--skip-deploy', 'only build (and push)')
    .action(async (o: DeployFlags & StackFlags & { skipDeploy?: boolean; skipPush?: boolean }) => {
      const selection = await stackFunctions(ctx, o);
      const { docker } = await build(ctx, selection);
      if (docker && !o.skipPush)
        await pushFunctions(ctx, docker, selection.functions, { skipUnnamed: true });
      if (!o.skipDeploy) await deployFromStack(ctx, o, selection);
    });

  program
    .command('template')
    .description('templates')
    .command('list')
    .description('list the templates faas new can use')
    .action(async () => {
      ctx.out(
        `Languages available as templates:\n${(await listTemplates(ctx.cwd)).map((t) => `- ${t}\n`).join('')}`,
      );
    });
}
