/** invoke and logs: calling a function and reading its output. */
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { clientFor, collect, keyValues } from '../context.ts';
import type { CliContext } from '../context.ts';
import { VERSION } from '../context.ts';
import { parseDuration } from '../../watchdog/duration.ts';

interface InvokeOptions {
  gateway?: string;
  async?: boolean;
  header?: string[];
  query?: string[];
  method: string;
  contentType: string;
}

export function registerInvokeCommands(program: Command, ctx: CliContext): void {
  program
    .command('invoke <name>')
    .description('call a function with stdin as the body')
    .option('-g, --gateway <url>', 'gateway URL')
    .option('-a, --async', 'call /async-function/NAME')
    .option('-H, --header <k=v>', 'request header (repeatable)', collect)
    .option('--query <k=v>', 'query parameter (repeatable)', collect)
    .option('-m, --method <method>', 'HTTP method', 'POST')
    .option('--content-type <type>', 'request Content-Type', 'text/plain')
    .action(async (name: string, o: InvokeOptions) => {
      const client = await clientFor(ctx, o.gateway);
      const headers = {
        'content-type': o.contentType,
        'user-agent': `faas/${VERSION} (faas; ${process.platform}; ${process.arch})`,
        ...keyValues('header', o.header),
      };
      const query = new URLSearchParams(Object.entries(keyValues('query', o.query))).toString();
      const method = o.method.toUpperCase();
      const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await ctx.readStdin();
      const res = await client.invoke({
        name,
        body,
        method,
        headers,
        query,
        async: Boolean(o.async),
      });
      if (res.status === 202 && o.async) return ctx.err('Function submitted asynchronously.\n');
      const text = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 && res.status !== 201) {
        throw new CliError(
          `Server returned unexpected status code: ${res.status} - ${text.toString('utf8').trim()}`,
        );
      }
      ctx.out(text.toString('utf8'));
    });

  program
    .command('logs <name>')
    .description("print a function's logs")
    .option('-g, --gateway <url>', 'gateway URL')
    .option('--follow', 'keep printing new lines', false)
    .option('--tail <n>', 'only the last n lines')
    .option('--since <duration>', 'only lines newer than this (e.g. 5m)')
    .action(
      async (
        name: string,
        o: { gateway?: string; follow: boolean; tail?: string; since?: string },
      ) => {
        const q = new URLSearchParams({ name, follow: String(o.follow) });
        if (o.tail !== undefined) q.set('tail', o.tail);
        if (o.since !== undefined) {
          const ms = parseDuration(o.since);
          if (ms === undefined)
            throw new CliError(
              `--since ${JSON.stringify(o.since)} is not a duration (e.g. 30s, 5m)`,
            );
          q.set('since', new Date(Date.now() - ms).toISOString());
        }
        for await (const line of (await clientFor(ctx, o.gateway)).logs(q)) {
          ctx.out(`${line.timestamp} ${line.name} (${line.instance}) ${line.text}\n`);
        }
      },
    );
}
