/** list, describe, remove, ready, namespaces: read and remove functions over REST. */
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { clientFor } from '../context.ts';
import type { CliContext } from '../context.ts';

const pad = (s: string | number, n: number): string => String(s).padEnd(n);

export function registerFunctionCommands(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .alias('ls')
    .description('list deployed functions')
    .option('-g, --gateway <url>', 'gateway URL')
    .option('-v, --verbose', 'show the image too')
    .option('--json', 'print the gateway JSON')
    .action(async (o: { gateway?: string; verbose?: boolean; json?: boolean }) => {
      const fns = await (await clientFor(ctx, o.gateway)).list();
      if (o.json) return ctx.out(`${JSON.stringify(fns)}\n`);
      const head = o.verbose
        ? `${pad('Function', 30)}\t${pad('Image', 40)}\t`
        : `${pad('Function', 30)}\t`;
      ctx.out(`${head}${pad('Invocations', 15)}\t${pad('Replicas', 5)}\n`);
      for (const f of fns) {
        const left = o.verbose
          ? `${pad(f.name, 30)}\t${pad(f.image, 40)}\t`
          : `${pad(f.name, 30)}\t`;
        ctx.out(`${left}${pad(f.invocationCount, 15)}\t${pad(f.replicas, 5)}\n`);
      }
    });

  program
    .command('describe <name>')
    .description('show a function')
    .option('-g, --gateway <url>', 'gateway URL')
    .action(async (name: string, o: { gateway?: string }) => {
      const client = await clientFor(ctx, o.gateway);
      const f = await client.describe(name);
      const rows: [string, string | number][] = [
        ['Name', f.name],
        ['Status', f.availableReplicas > 0 ? 'Ready' : 'Not Ready'],
        ['Replicas', f.replicas],
        ['Available replicas', f.availableReplicas],
        ['Invocations', f.invocationCount],
        ['Image', f.image],
        ['Function process', f.envProcess || '<default>'],
        ['URL', `${client.gateway}/function/${f.name}`],
        ['Async URL', `${client.gateway}/async-function/${f.name}`],
      ];
      for (const [k, v] of rows) ctx.out(`${pad(`${k}:`, 21)}${v}\n`);
    });

  program
    .command('remove <name>')
    .alias('rm')
    .description('remove a function')
    .option('-g, --gateway <url>', 'gateway URL')
    .action(async (name: string, o: { gateway?: string }) => {
      ctx.out(`Deleting: ${name}.\n`);
      await (await clientFor(ctx, o.gateway)).remove(name);
      ctx.out('Removing old function.\n');
    });

  program
    .command('ready [name]')
    .description('wait until the gateway (and a function) is ready')
    .option('-g, --gateway <url>', 'gateway URL')
    .option('--attempts <n>', 'how many checks, one a second', '60')
    .action(async (name: string | undefined, o: { gateway?: string; attempts: string }) => {
      const client = await clientFor(ctx, o.gateway);
      for (let i = 0; i < Number(o.attempts); i++) {
        const healthy =
          (await client.request('GET', '/healthz', { auth: false }).catch(() => undefined))
            ?.status === 200;
        const ready = healthy && (!name || (await client.describe(name)).availableReplicas > 0);
        if (ready)
          return ctx.out(name ? `Function ${name} is ready.\n` : 'The gateway is ready.\n');
        await new Promise((r) => setTimeout(r, 1000));
      }
      throw new CliError(`${name ?? 'the gateway'} was not ready after ${o.attempts} attempts`);
    });

  program
    .command('namespaces')
    .description('list namespaces')
    .option('-g, --gateway <url>', 'gateway URL')
    .action(async (o: { gateway?: string }) => {
      const client = await clientFor(ctx, o.gateway);
      const res = await client.expect(
        await client.request('GET', '/system/namespaces'),
        [200],
        'listing namespaces',
      );
      ctx.out(`Namespaces:\n${((await res.json()) as string[]).map((n) => ` - ${n}\n`).join('')}`);
    });
}
