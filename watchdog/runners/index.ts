import type { Runner, RunnerDeps } from './runner.ts';
import { createForkRunner, createPreforkRunner } from './fork.ts';
import { createHttpRunner } from './http.ts';
import { createStreamingRunner } from './streaming.ts';

export function createRunner(deps: RunnerDeps): Runner {
  switch (deps.config.mode) {
    case 'fork':
      return createForkRunner(deps);
    case 'prefork':
      return createPreforkRunner(deps);
    case 'streaming':
      return createStreamingRunner(deps);
    case 'http':
      return createHttpRunner(deps);
  }
}
