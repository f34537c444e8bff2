/** new, build, up, template list: from a handler folder to a deployed function. */
import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type Docker from 'dockerode';
import { stringify } from 'yaml';
import { imageDir } from '../../gateway/contract/image-format.ts';
import { buildDockerImage, findWatchdogBundle } from '../build/docker-build.ts';
import type { ImageSource } from '../build/docker-build.ts';
import { buildLocal } from '../build/local-build.ts';
import { CliError } from '../errors.ts';
import type { CliContext } from '../context.ts';
import { baseImageSetting } from '../images/base-image.ts';
import { dockerAvailable, dockerClient } from '../images/docker-engine.ts';
import type { FunctionSpec } from '../stack/types.ts';
import { findTemplate, listTemplates } from '../templates.ts';
import { deployFlags } from './deploy.ts';
import type { DeployFlags } from './deploy.ts';
import { pushFunctions } from './push.ts';
import { deployFromStack, handlerPath, stackFunctions } from './stack-deploy.ts';
import type { StackFlags } from './stack-deploy.ts';

const storeDir = (ctx: CliContext): string =>
  ctx.env.FAAS_IMAGE_STORE || join(ctx.cwd, '.faas', 'images');
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The engine when one answers a ping within 2 s, else why not. */
async function reachableEngine(ctx: CliContext): Promise<Docker | string> {
  const docker = dockerClient(ctx.env);
  const engine = await dockerAvailable(docker, ctx.env);
  return engine.ok ? docker : engine.reason;
}

/**
 * Builds each function into the local image store, then, when a Docker engine answers, into a
 * Docker image too (lang dockerfile: only the image). Returns the engine it used, if any.
 */
async function build(
  ctx: CliContext,
  o: StackFlags,
): Promise<{ docker?: Docker; functions: FunctionSpec[] }> {
  const { loaded, functions } = await stackFunctions(ctx, o);
  const toBuild = functions.filter((fn) => !fn.skipBuild && fn.lang);
  const engine = toBuild.length > 0 ? await reachableEngine(ctx) : 'nothing to build';
  const docker = typeof engine === 'string' ? undefined : engine;
  const progress = (l: string): void => ctx.out(`${l}\n`);
  for (const fn of functions) {
    if (fn.skipBuild || !fn.lang) {
      ctx.out(`[${fn.name}] skip_build: using the image ${fn.image} as it is\n`);
      continue;
    }
    const template = await findTemplate(ctx.cwd, fn.lang);
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
    if (!docker) continue;
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
  if (toBuild.length > 0 && !docker) {
    ctx.out(`no Docker engine reachable: built into the local image store only (${engine})\n`);
  }
  return docker ? { docker, functions } : { functions };
}

async function scaffold(
  ctx: CliContext,
  name: string,
  lang: string,
  append: string | undefined,
): Promise<void> {
  const template = await findTemplate(ctx.cwd, lang);
  const dir = join(ctx.cwd, name);
  if (await exists(dir))
    throw new CliError(`folder ./${name} already exists: choose another name or remove it`);
  const file = append ?? 'stack.yml';
  const path = join(ctx.cwd, file);
  const fn = { lang: template.name, handler: `./${name}`, image: `${name}:latest` };
  let text: string;
  if (append) {
    if (!(await exists(path))) throw new CliError(`--append ${file}: no such file`);
    text = `${(await readFile(path, 'utf8')).trimEnd()}\n${stringify({ [name]: fn })
      .replace(/^/gm, '  ')
      .trimEnd()}\n`;
  } else {
    if (await exists(path))
      throw new CliError(`${file} already exists: add the function with --append ${file}`);
    text = stringify({
      version: '1.0',
      provider: { name: 'openfaas', gateway: 'http://127.0.0.1:8080' },
      functions: { [name]: fn },
    });
  }
  await cp(join(template.dir, 'function'), dir, { recursive: true });
  await writeFile(path, text);
  ctx.out(
    `Folder: ${name} created.\nFunction created in folder: ${name}\nStack file written: ${file}\n\n${template.welcome}`,
  );
}

export function registerBuildCommands(program: Command, ctx: CliContext): void {
  program
    .command('new <name>')
    .description('create a function from a template')
    .requiredOption('--lang <template>', 'template (faas template list)')
    .option('-a, --append <file>', 'add to an existing stack file')
    .action((name: string, o: { lang: string; append?: string }) =>
      scaffold(ctx, name, o.lang, o.append),
    );

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
    await build(ctx, o);
  });

  stackOptions(deployFlags(program.command('up').description('build, then deploy')))
    .option('--skip-push', 'do not push the images (pushed only when a Docker engine answers)')
    .option('--skip-deploy', 'only build (and push)')
    .action(async (o: DeployFlags & StackFlags & { skipDeploy?: boolean; skipPush?: boolean }) => {
      const { docker, functions } = await build(ctx, o);
      if (docker && !o.skipPush) await pushFunctions(ctx, docker, functions, { skipUnnamed: true });
      if (!o.skipDeploy) await deployFromStack(ctx, o);
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
