/** invoke: calling a function with stdin as the body. */
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { clientFor, collect, keyValues } from '../context.ts';
import type { CliContext } from '../context.ts';
import { VERSION } from '../context.ts';

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
}
