/** Functions from a stack file, as deployments and as builds. */
import { dirname, resolve } from 'node:path';
import type { FunctionDeployment } from '../../gateway/contract/types.ts';
import type { CliContext } from '../context.ts';
import { loadStack } from '../stack/load.ts';
import type { LoadedStack } from '../stack/load.ts';
import { selectFunctions } from '../stack/select.ts';
import type { FunctionSpec } from '../stack/types.ts';
import { applyFlags, deployAll } from './deploy.ts';
import type { DeployFlags } from './deploy.ts';

export interface StackFlags {
  yaml?: string;
  filter?: string;
  regex?: string;
}

/** A stack file, loaded once, and the functions --filter/--regex picked from it. */
export interface StackSelection {
  readonly loaded: LoadedStack;
  readonly functions: FunctionSpec[];
}

/** Loads the stack file, prints its warnings, and picks the functions --filter/--regex name. */
export async function stackFunctions(ctx: CliContext, o: StackFlags): Promise<StackSelection> {
  const loaded = await loadStack({ file: o.yaml, cwd: ctx.cwd, env: ctx.env });
  for (const w of loaded.warnings) ctx.err(`Warning: ${w}\n`);
  return {
    loaded,
    functions: selectFunctions(loaded.stack.functions, { filter: o.filter, regex: o.regex }),
  };
}

export const handlerPath = (loaded: LoadedStack, fn: FunctionSpec): string =>
  resolve(dirname(loaded.path), fn.handler ?? '.');

export function toDeployment(fn: FunctionSpec): FunctionDeployment {
  const d: FunctionDeployment = {
    service: fn.name,
    image: fn.image,
    envVars: fn.environment,
    secrets: fn.secrets,
    labels: fn.labels,
    annotations: fn.annotations,
    constraints: fn.constraints,
    readOnlyRootFilesystem: fn.readonlyRootFilesystem,
  };
  if (fn.fprocess) d.envProcess = fn.fprocess;
  if (fn.namespace) d.namespace = fn.namespace;
  if (fn.limits) d.limits = { ...fn.limits };
  if (fn.requests) d.requests = { ...fn.requests };
  return d;
}

/** Deploys the selected functions; `up` passes the selection it built, so it loads once. */
export async function deployFromStack(
  ctx: CliContext,
  o: DeployFlags & StackFlags,
  selection?: StackSelection,
): Promise<void> {
  const { loaded, functions } = selection ?? (await stackFunctions(ctx, o));
  await deployAll(
    ctx,
    functions.map((fn) => applyFlags(toDeployment(fn), o)),
    o.gateway,
    loaded.stack.provider.gateway,
  );
}
