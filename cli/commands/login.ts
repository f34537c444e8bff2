/** login and version. */
import type { Command } from 'commander';
import { saveLogin } from '../auth-config.ts';
import { CliError } from '../errors.ts';
import { GatewayClient } from '../client/gateway-client.ts';
import { VERSION, clientFor, configDir } from '../context.ts';
import type { CliContext } from '../context.ts';

export function registerLoginCommands(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('check and store the gateway admin credentials')
    .option('-g, --gateway <url>', 'gateway URL')
    .option('-u, --username <user>', 'user name', 'admin')
    .option('-p, --password <password>', 'password (prefer --password-stdin)')
    .option('-s, --password-stdin', 'read the password from stdin')
    .action(
      async (o: {
        gateway?: string;
        username: string;
        password?: string;
        passwordStdin?: boolean;
      }) => {
        const password = o.passwordStdin
          ? (await ctx.readStdin()).toString('utf8').trim()
          : o.password;
        if (!password) throw new CliError('give a password with --password-stdin (or --password)');
        const anonymous = await clientFor(ctx, o.gateway);
        const token = Buffer.from(`${o.username}:${password}`).toString('base64');
        const client = new GatewayClient({ gateway: anonymous.gateway, token, fetch: ctx.fetch });
        ctx.out('Calling the faas server to validate the credentials...\n');
        const res = await client.request('GET', '/system/functions');
        if (res.status === 401)
          throw new CliError('unable to login: username or password is incorrect');
        await client.expect(res, [200], 'validating the credentials');
        await saveLogin(configDir(ctx), client.gateway, o.username, password);
        ctx.out(`credentials saved for ${o.username} ${client.gateway}\n`);
      },
    );

  program
    .command('version')
    .description('print the CLI and gateway versions')
    .option('-g, --gateway <url>', 'gateway URL')
    .action(async (o: { gateway?: string }) => {
      ctx.out(`CLI:\n version: ${VERSION}\n`);
      const client = await clientFor(ctx, o.gateway);
      const info = await client.info();
      ctx.out(`Gateway\n uri: ${client.gateway}\n version: ${info.version.release}\n`);
      ctx.out(
        `Provider\n name: ${info.provider.provider}\n orchestration: ${info.provider.orchestration}\n version: ${info.provider.version.release}\n`,
      );
    });
}
