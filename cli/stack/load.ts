/**
 * The I/O edge of the stack module: finds and reads the stack file, parses it (parse.ts), and
 * merges each function's `environment_file` entries into its `environment`.
 *
 * - `file` is resolved against `cwd`; without it, `stack.yml` then `stack.yaml` in `cwd`.
 * - Messages name the file as the user gave it (`stack.yml:7: ...`).
 * - `environment_file` paths are relative to the stack file's folder; each file's
 *   `environment:` overlays the function's `environment:`, later files winning.
 * - A URL for `-f` (faas-cli accepts one) is refused with a message saying to download it.
 *
 * @example
 * const { stack, warnings } = await loadStack({ cwd: process.cwd(), env: process.env });
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { mergeEnvironment, parseEnvironmentFile } from './environment-file.ts';
import { isStackError, StackError } from './errors.ts';
import type { StackErrorCode } from './errors.ts';
import { parseStack } from './parse.ts';
import type { Env, FunctionSpec, ParsedStack } from './types.ts';

export const DEFAULT_STACK_FILES = ['stack.yml', 'stack.yaml'] as const;

const CREATE_ONE = 'faas new NAME --lang node creates one';

export type LoadOptions = {
  /** `-f/--yaml` as given; relative to `cwd`. */
  file?: string;
  cwd: string;
  env: Env;
};

export type LoadedStack = ParsedStack & {
  /** Absolute path of the stack file. */
  path: string;
  /** The file's name as shown in messages (as given, or the default that was found). */
  file: string;
};

export async function loadStack(opts: LoadOptions): Promise<LoadedStack> {
  const { file, path, text } = await readStackFile(opts);
  const parsed = parseStack(text, file, opts.env);
  const merged = await mergeEnvironmentFiles(parsed.stack.functions, path, file, opts.cwd);
  return {
    path,
    file,
    stack: { ...parsed.stack, functions: merged.functions },
    warnings: [...parsed.warnings, ...merged.warnings],
    buildIgnored: parsed.buildIgnored,
  };
}

async function readStackFile(
  opts: LoadOptions,
): Promise<{ file: string; path: string; text: string }> {
  if (opts.file !== undefined) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(opts.file)) {
      throw new StackError('STACK_URL_UNSUPPORTED', [
        `-f ${opts.file}: a URL is not supported for the stack file; download it and pass the local path`,
      ]);
    }
    const path = resolve(opts.cwd, opts.file);
    const text = await readText(path);
    if (text === undefined) {
      throw new StackError('STACK_NOT_FOUND', [
        `stack file ${opts.file} not found (looked for ${path}); check the -f path, or ${CREATE_ONE}`,
      ]);
    }
    return { file: opts.file, path, text };
  }
  for (const file of DEFAULT_STACK_FILES) {
    const path = resolve(opts.cwd, file);
    const text = await readText(path);
    if (text !== undefined) return { file, path, text };
  }
  throw new StackError('STACK_NOT_FOUND', [
    `no stack file: neither stack.yml nor stack.yaml is in ${opts.cwd}; pass one with -f FILE, or ${CREATE_ONE}`,
  ]);
}

/** The file's text, or undefined when it does not exist; other failures are STACK_UNREADABLE. */
async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StackError('STACK_UNREADABLE', [`cannot read ${path}: ${(err as Error).message}`], {
      cause: err,
    });
  }
}

type EnvironmentFiles = { functions: FunctionSpec[]; warnings: string[] };

async function mergeEnvironmentFiles(
  functions: readonly FunctionSpec[],
  stackPath: string,
  stackFile: string,
  cwd: string,
): Promise<EnvironmentFiles> {
  const cache = new Map<string, Promise<ReturnType<typeof parseEnvironmentFile>>>();
  const read = (path: string) => {
    let pending = cache.get(path);
    if (!pending) {
      pending = readEnvironmentFile(path, relative(cwd, path) || path);
      cache.set(path, pending);
    }
    return pending;
  };
  const problems: string[] = [];
  const warnings = new Set<string>();
  let code: StackErrorCode | undefined;
  const out: FunctionSpec[] = [];
  for (const fn of functions) {
    const layers: Record<string, string>[] = [];
    for (const name of fn.environmentFile) {
      try {
        const parsed = await read(resolve(dirname(stackPath), name));
        layers.push(parsed.environment);
        parsed.warnings.forEach((w) => warnings.add(w));
      } catch (err) {
        if (!isStackError(err)) throw err;
        code ??= err.code;
        // a file that cannot be read is reported where the stack names it; one that can be
        // read reports its own FILE:LINE problems
        const where = `${stackFile}:${fn.line}: functions.${fn.name}.environment_file: `;
        const prefix = err.code === 'STACK_UNREADABLE' ? where : '';
        problems.push(...err.problems.map((p) => prefix + p));
      }
    }
    out.push({ ...fn, environment: mergeEnvironment(fn.environment, layers) });
  }
  if (code) throw new StackError(code, [...new Set(problems)]);
  return { functions: out, warnings: [...warnings] };
}

async function readEnvironmentFile(path: string, shown: string) {
  const text = await readText(path);
  if (text === undefined) {
    throw new StackError('STACK_UNREADABLE', [`${shown} does not exist (looked for ${path})`]);
  }
  return parseEnvironmentFile(text, shown);
}
