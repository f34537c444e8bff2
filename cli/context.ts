/**
 * What every command gets from the composition root (cli/main.ts): the environment, the
 * working folder, input and output, and a way to build a gateway client.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../watchdog/env-reader.ts';
import { tokenFor } from './auth-config.ts';
import { GatewayClient } from './client/gateway-client.ts';
import { chooseGateway } from './gateway-url.ts';

export interface CliContext {
  readonly env: Env;
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readStdin: () => Promise<Buffer>;
  readonly fetch?: typeof fetch;
}

export const VERSION = '0.1.0';

/** faas-cli's folder for config.yml: $OPENFAAS_CONFIG, else ~/.openfaas. */
export function configDir(ctx: CliContext): string {
  return ctx.env.OPENFAAS_CONFIG || join(ctx.env.HOME || homedir(), '.openfaas');
}

export async function clientFor(
  ctx: CliContext,
  flag: string | undefined,
  stackGateway?: string,
): Promise<GatewayClient> {
  const gateway = chooseGateway(flag, stackGateway, ctx.env.OPENFAAS_URL);
  return new GatewayClient({
    gateway,
    token: await tokenFor(configDir(ctx), gateway),
    fetch: ctx.fetch,
    debug: ctx.env.FAAS_DEBUG === '1' ? (l) => ctx.err(`${l}\n`) : undefined,
  });
}

/** `k=v` flags (repeatable) as a map; a flag without `=` is an error naming it. */
export function keyValues(
  flag: string,
  values: readonly string[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`--${flag} ${JSON.stringify(kv)} must be key=value`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
