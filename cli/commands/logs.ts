/**
 * `faas logs NAME [--tail=true] [--lines N] [--since 5m] [--since-time RFC3339]`, faas-cli's flags
 * (CONTRACT §5.2) mapped onto GET /system/logs: --tail → follow, --lines → tail, --since and
 * --since-time → since (an RFC 3339 time; --since-time wins, as in faas-cli).
 */
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { parseDuration } from '../../watchdog/duration.ts';
import { clientFor } from '../context.ts';
import type { CliContext } from '../context.ts';

export interface LogsFlags {
  gateway?: string;
  tail: boolean;
  follow?: boolean;
  lines?: number;
  since?: number;
  sinceTime?: Date;
}

/** Pure: the /system/logs query for `name`; `now` anchors --since. */
export function logsQuery(name: string, f: LogsFlags, now: Date): URLSearchParams {
  const q = new URLSearchParams({ name, follow: String(f.tail || f.follow === true) });
  if (f.lines !== undefined && f.lines > 0) q.set('tail', String(f.lines)); // 0 or less: all
  const since =
    f.sinceTime ?? (f.since === undefined ? undefined : new Date(now.getTime() - f.since));
  if (since) q.set('since', since.toISOString());
  return q;
}

function parseBool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('Use true or false (for the last N lines: --lines N).');
}

function parseLines(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('Use a whole number of lines.');
  return Number(value);
}

function parseSince(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('Use a duration such as 30s or 5m.');
  return ms;
}

function parseTime(value: string): Date {
  const t = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value) || Number.isNaN(t.getTime()))
    throw new InvalidArgumentError('Use an RFC 3339 time such as 2024-01-02T15:04:05Z.');
  return t;
}

export function registerLogsCommand(program: Command, ctx: CliContext): void {
  program
    .command('logs <name>')
    .description("print a function's logs")
    .option('-g, --gateway <url>', 'gateway URL')
    .option(
      '-t, --tail [bool]',
      'keep printing new lines (--tail=false prints and exits)',
      parseBool,
      true,
    )
    .option('--follow', 'keep printing new lines: --tail=true, the default, by another name')
    .option('--lines <n>', 'only the last n lines (0 or less: all)', parseLines)
    .option('--since <duration>', 'only lines newer than this (e.g. 5m)', parseSince)
    .option('--since-time <time>', 'only lines since this RFC 3339 time', parseTime)
    .action(async (name: string, o: LogsFlags) => {
      const client = await clientFor(ctx, o.gateway);
      for await (const line of client.logs(logsQuery(name, o, new Date()))) {
        ctx.out(`${line.timestamp} ${line.name} (${line.instance}) ${line.text}\n`);
      }
    });
}
