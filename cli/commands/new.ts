/**
 * `faas new NAME --lang L [--append FILE]` (CONTRACT §5.2), as faas-cli does it: the template's
 * `function/` folder copied to `./NAME`, and the function written to a new `NAME.yml`, or added
 * to an existing stack file with --append. Everything is checked before anything is written.
 */
import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { nameProblem } from '../../gateway/contract/names.ts';
import type { CliContext } from '../context.ts';
import { CliError } from '../errors.ts';
import { chooseGateway } from '../gateway-url.ts';
import { appendFunction } from '../stack/append.ts';
import type { NewFunction } from '../stack/append.ts';
import { findTemplate } from '../templates.ts';

interface NewOptions {
  lang: string;
  append?: string;
  gateway?: string;
}

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The stack file's new text, and how to say what happened to it. */
async function stackText(
  ctx: CliContext,
  name: string,
  fn: NewFunction,
  o: NewOptions,
): Promise<{ file: string; text: string; verb: string }> {
  if (o.append !== undefined) {
    const file = o.append;
    if (!/\.ya?ml$/.test(file))
      throw new CliError(`--append ${file}: must be a .yml or .yaml file`);
    const path = join(ctx.cwd, file);
    if (!(await exists(path))) throw new CliError(`--append ${file}: no such file`);
    const text = appendFunction(await readFile(path, 'utf8'), file, name, fn);
    return { file, text, verb: 'updated' };
  }
  const file = `${name}.yml`;
  if (await exists(join(ctx.cwd, file))) {
    throw new CliError(`${file} already exists: add the function to it with --append ${file}`);
  }
  const gateway = chooseGateway(o.gateway, undefined, ctx.env.OPENFAAS_URL);
  const text = stringify({
    version: '1.0',
    provider: { name: 'openfaas', gateway },
    functions: { [name]: fn },
  });
  return { file, text, verb: 'written' };
}

export async function newFunction(ctx: CliContext, name: string, o: NewOptions): Promise<void> {
  const invalid = nameProblem(name);
  if (invalid) throw new CliError(`function name ${JSON.stringify(name)} ${invalid}`);
  const template = await findTemplate(ctx.cwd, o.lang);
  const dir = join(ctx.cwd, name);
  if (await exists(dir))
    throw new CliError(`folder ./${name} already exists: choose another name or remove it`);
  // the handler is relative to the stack file, which --append may name in another folder
  const stackDir = o.append === undefined ? ctx.cwd : dirname(join(ctx.cwd, o.append));
  const rel = relative(stackDir, dir);
  const handler = rel.startsWith('..') ? rel : `./${rel}`;
  const fn: NewFunction = { lang: template.name, handler, image: `${name}:latest` };
  const { file, text, verb } = await stackText(ctx, name, fn, o);
  await cp(join(template.dir, 'function'), dir, { recursive: true });
  await writeFile(join(ctx.cwd, file), text);
  ctx.out(
    `Folder: ${name} created.\nFunction created in folder: ${name}\nStack file ${verb}: ${file}\n\n${template.welcome}`,
  );
}

export function registerNewCommand(program: Command, ctx: CliContext): void {
  program
    .command('new <name>')
    .description('create a function from a template, in NAME/ and NAME.yml')
    .requiredOption('--lang <template>', 'template (faas template list)')
    .option('-a, --append <file>', 'add the function to this stack file instead of NAME.yml')
    .option('-g, --gateway <url>', 'gateway URL to write in NAME.yml')
    .action((name: string, o: NewOptions) => newFunction(ctx, name, o));
}
