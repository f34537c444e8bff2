/**
 * `environment_file` entries: YAML files with a top-level `environment:` map, merged over a
 * function's own `environment:` (later files win). Pure; load.ts reads the files. As in faas-cli,
 * no `${VAR}` substitution is applied to these files.
 *
 * @example
 * // env.yml
 * environment:
 *   DB_HOST: db.local
 *
 * @module
 */
import { StackError } from './errors.ts';
import { byKey, readStringMap } from './fields.ts';
import { openYamlMap } from './yaml-reader.ts';

export type ParsedEnvironmentFile = {
  environment: Record<string, string>;
  warnings: string[];
};

/** Parses one environment file; `file` names it in messages. Throws StackError. */
export function parseEnvironmentFile(text: string, file: string): ParsedEnvironmentFile {
  const { r, entries } = openYamlMap(
    text,
    file,
    'an environment file must be a map with an environment: map',
  );
  const env = byKey(r, entries, '', ['environment']).get('environment');
  if (env === undefined) r.warn(1, 'no environment: map, so this file sets no variables');
  const environment = env ? readStringMap(r, env, 'environment') : {};
  if (r.problems.length > 0) throw new StackError('STACK_INVALID', r.problems);
  return { environment, warnings: r.warnings };
}

/** `base` overlaid with each file's map in order: the later file wins. */
export function mergeEnvironment(
  base: Readonly<Record<string, string>>,
  files: readonly Readonly<Record<string, string>>[],
): Record<string, string> {
  return Object.assign({}, base, ...files) as Record<string, string>;
}
