/**
 * Composition root of the `faas` CLI: reads the environment, runs one command, and turns any
 * failure into a one-line reason on stderr and a non-zero exit (a stack trace with FAAS_DEBUG=1).
 */
import { CommanderError } from 'commander';
import type { CliContext } from './context.ts';
import { CliError, failureLine } from './errors.ts';
import { createProgram } from './program.ts';

async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function main(): Promise<number> {
  const ctx: CliContext = {
    env: process.env,
    cwd: process.cwd(),
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    readStdin,
  };
  try {
    await createProgram(ctx).parseAsync(process.argv);
    return 0;
  } catch (err) {
    // commander already printed why; 'commander.help' is the help of a command run alone
    if (err instanceof CommanderError) return err.code === 'commander.help' ? 0 : err.exitCode;
    if (process.env.FAAS_DEBUG === '1')
      ctx.err(`${err instanceof Error ? err.stack : String(err)}\n`);
    else ctx.err(`${failureLine(err)}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
