/**
 * What `faas build` and `faas up` need of each function they build: `lang` (the template) and
 * `handler` (the folder). Parsing does not ask for them, so `faas deploy` takes a stack that only
 * names prebuilt images, as faas-cli does. Pure.
 *
 * @module
 */
import { StackError } from './errors.ts';
import type { FunctionSpec } from './types.ts';

const FIX = 'or set skip_build: true to deploy a prebuilt image';

/** One `FILE:LINE: functions.NAME.field is required to build it (...)` per missing field. */
export function buildProblems(file: string, functions: readonly FunctionSpec[]): string[] {
  return functions
    .filter((fn) => !fn.skipBuild)
    .flatMap((fn) =>
      (['lang', 'handler'] as const)
        .filter((field) => !fn[field])
        .map(
          (field) =>
            `${file}:${fn.line}: functions.${fn.name}.${field} is required to build it (${FIX})`,
        ),
    );
}

/** Throws STACK_INVALID with every build problem of `functions`, if any. */
export function assertBuildable(file: string, functions: readonly FunctionSpec[]): void {
  const problems = buildProblems(file, functions);
  if (problems.length > 0) throw new StackError('STACK_INVALID', problems);
}
