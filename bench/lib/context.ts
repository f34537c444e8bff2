/** What run.ts gives each scenario: a way to have its processes stopped when it ends. */
import type { Proc } from './processes.ts';

export interface BenchContext {
  /** Registers a process to be stopped after the scenario, whatever happens. */
  track(proc: Proc): Proc;
  /** A progress line on stderr. */
  progress(message: string): void;
}

/** A context whose processes are stopped by `stopAll` (idempotent). */
export function createContext(): BenchContext & { stopAll(): Promise<void> } {
  const procs: Proc[] = [];
  return {
    track(proc) {
      procs.push(proc);
      return proc;
    },
    progress(message) {
      process.stderr.write(`bench: ${message}\n`);
    },
    async stopAll() {
      await Promise.all(procs.splice(0).map((p) => p.stop()));
    },
  };
}
