/** secret create|list|update|remove, as faas-cli spells them. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { clientFor } from '../context.ts';
import type { CliContext } from '../context.ts';

interface ValueOptions {
  gateway?: string;
  fromLiteral?: string;
  fromFile?: string;
  trim?: boolean;
}

/** --from-literal, --from-file (exact bytes as rawValue) or stdin. */
async function secretBody(
  ctx: CliContext,
  name: string,
  o: ValueOptions,
): Promise<Record<string, string>> {
  if (o.fromLiteral !== undefined && o.fromFile !== undefined) {
    throw new CliError('give one of --from-literal and --from-file, not both');
  }
  let bytes: Buffer;
  if (o.fromLiteral !== undefined) bytes = Buffer.from(o.fromLiteral);
  else if (o.fromFile !== undefined) {
    bytes = await readFile(o.fromFile).catch(() => {
      throw new CliError(`cannot read --from-file ${o.fromFile}`);
    });
  } else bytes = await ctx.readStdin();
  if (o.trim) bytes = Buffer.from(bytes.toString('utf8').trim());
  if (bytes.length === 0)
    throw new CliError(
      `secret ${name} has an empty value: pass --from-literal, --from-file or stdin`,
    );
  return { name, value: bytes.toString('utf8'), rawValue: bytes.toString('base64') };
}

export function registerSecretCommands(program: Command, ctx: CliContext): void {
  const secret = program.command('secret').description('manage secrets');
  const withValue = (cmd: Command): Command =>
    cmd
      .option('-g, --gateway <url>', 'gateway URL')
      .option('--from-literal <value>', 'the value')
      .option('--from-file <path>', 'read the value from a file')
      .option('--trim', 'trim whitespace from the value');

  withValue(secret.command('create <name>').description('create a secret')).action(
    async (name: string, o: ValueOptions) => {
      const client = await clientFor(ctx, o.gateway);
      const res = await client.request('POST', '/system/secrets', {
        body: await secretBody(ctx, name, o),
      });
      if (res.status === 409)
        throw new CliError(`secret ${name} already exists: use \`faas secret update\``);
      await client.expect(res, [200, 201, 202], `creating secret ${name}`);
      ctx.out(`Created: ${name}\n`);
    },
  );
  withValue(secret.command('update <name>').description("replace a secret's value")).action(
    async (name: string, o: ValueOptions) => {
      const client = await clientFor(ctx, o.gateway);
      const res = await client.request('PUT', '/system/secrets', {
        body: await secretBody(ctx, name, o),
      });
      await client.expect(res, [200, 201, 202], `updating secret ${name}`);
      ctx.out(`Updated: ${name}\n`);
    },
  );
  secret
    .command('list')
    .alias('ls')
    .option('-g, --gateway <url>', 'gateway URL')
    .action(async (o: { gateway?: string }) => {
      const client = await clientFor(ctx, o.gateway);
      const res = await client.expect(
        await client.request('GET', '/system/secrets'),
        [200],
        'listing secrets',
      );
      ctx.out('NAME\n');
      for (const s of (await res.json()) as { name: string }[]) ctx.out(`${s.name}\n`);
    });
  secret
    .command('remove <name>')
    .alias('rm')
    .option('-g, --gateway <url>', 'gateway URL')
    .action(async (name: string, o: { gateway?: string }) => {
      const client = await clientFor(ctx, o.gateway);
      await client.expect(
        await client.request('DELETE', '/system/secrets', { body: { name } }),
        [200, 202],
        `removing secret ${name}`,
      );
      ctx.out(`Removed: ${name}\n`);
    });
}
