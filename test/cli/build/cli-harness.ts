/**
 * The `faas` command tree run in-process against a temp folder: output captured, failures
 * returned as the error they throw (what main.ts prints as `Error: …`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createProgram } from '../../../cli/program.ts';

export interface CliRun {
  out: string;
  err: string;
  error?: Error;
}

export type Faas = (args: string[], env?: Record<string, string>) => Promise<CliRun>;

/** A temp folder removed after the test, and a runner of `faas` commands in it. */
export async function cliIn(
  t: TestContext,
  baseEnv: Record<string, string | undefined> = {},
): Promise<{ dir: string; faas: Faas }> {
  const dir = await mkdtemp(join(tmpdir(), 'faas-cli-docker-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const faas: Faas = async (args, env = {}) => {
    const run: CliRun = { out: '', err: '' };
    const program = createProgram({
      env: { HOME: dir, ...baseEnv, ...env },
      cwd: dir,
      out: (s) => void (run.out += s),
      err: (s) => void (run.err += s),
      readStdin: () => Promise.resolve(Buffer.alloc(0)),
    });
    try {
      await program.parseAsync(['node', 'faas', ...args]);
    } catch (error) {
      run.error = error as Error;
    }
    return run;
  };
  return { dir, faas };
}
