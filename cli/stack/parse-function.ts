/**
 * Checks one entry of `functions:` and builds its FunctionSpec.
 *
 * What must be present: `image`, always (deploy sends it, and faas-cli requires it too). `lang`
 * and `handler` are needed only to build (build-check.ts), so `faas deploy` takes a stack that
 * only names images, as faas-cli does.
 *
 * @module
 */
import { nameProblem } from '../../gateway/contract/names.ts';
import {
  byKey,
  readBool,
  readSection,
  readString,
  readStringList,
  readStringMap,
} from './fields.ts';
import type { BuildIgnoredKey, FunctionResources, FunctionSpec } from './types.ts';
import type { Entry, YamlReader } from './yaml-reader.ts';

export const FUNCTION_KEYS = [
  'lang',
  'handler',
  'image',
  'fprocess',
  'namespace',
  'skip_build',
  'environment',
  'environment_file',
  'secrets',
  'labels',
  'annotations',
  'limits',
  'requests',
  'constraints',
  'readonly_root_filesystem',
  'build_args',
  'build_options',
  'build_secrets',
  'platforms',
] as const;

const RESOURCE_KEYS = ['memory', 'cpu'] as const;

/**
 * The spec for `functions.<entry.key>`, or undefined when the entry is not a map. Keys that
 * `faas build` does not act on are added to `ignored`.
 */
export function readFunction(
  r: YamlReader,
  entry: Entry,
  ignored: BuildIgnoredKey[],
): FunctionSpec | undefined {
  const name = entry.key;
  const path = `functions.${name}`;
  const invalidName = nameProblem(name);
  if (invalidName) r.problem(entry.line, `${path} is not a valid function name: it ${invalidName}`);
  const entries = entry.value === null ? [] : r.entries(entry.value);
  if (entries === undefined) {
    r.problem(entry.line, `${path} must be a map of settings (image, lang, handler, ...)`);
    return undefined;
  }
  const f = byKey(r, entries, path, FUNCTION_KEYS);
  const text = (key: string): string | undefined =>
    at(f, key, (e) => readString(r, e, `${path}.${key}`));
  const flag = (key: string): boolean =>
    at(f, key, (e) => readBool(r, e, `${path}.${key}`)) ?? false;
  const spec: FunctionSpec = {
    name,
    line: entry.line,
    image: text('image') ?? '',
    skipBuild: flag('skip_build'),
    environment: stringMap(r, f, path, 'environment'),
    environmentFile: stringList(r, f, path, 'environment_file'),
    secrets: stringList(r, f, path, 'secrets'),
    labels: stringMap(r, f, path, 'labels'),
    annotations: stringMap(r, f, path, 'annotations'),
    constraints: stringList(r, f, path, 'constraints'),
    readonlyRootFilesystem: flag('readonly_root_filesystem'),
    buildArgs: stringMap(r, f, path, 'build_args'),
    buildOptions: stringList(r, f, path, 'build_options'),
    buildSecrets: stringMap(r, f, path, 'build_secrets'),
  };
  assignDefined(spec, {
    lang: text('lang'),
    handler: text('handler'),
    fprocess: text('fprocess'),
    namespace: at(f, 'namespace', (e) => readNamespace(r, e, `${path}.namespace`)),
    platforms: text('platforms'),
    limits: at(f, 'limits', (e) => readResources(r, e, `${path}.limits`)),
    requests: at(f, 'requests', (e) => readResources(r, e, `${path}.requests`)),
  });
  if (!spec.image) r.problem(spec.line, `${path}.image is required (deploy needs an image name)`);
  ignored.push(...buildIgnored(r, f, spec, path));
  return spec;
}

/** The function's keys, set to something, that faas build does not act on. */
function buildIgnored(
  r: YamlReader,
  f: Map<string, Entry>,
  spec: FunctionSpec,
  path: string,
): BuildIgnoredKey[] {
  const set = {
    build_options: spec.buildOptions.length > 0,
    build_secrets: Object.keys(spec.buildSecrets).length > 0,
    platforms: Boolean(spec.platforms),
  };
  return Object.entries(set).flatMap(([key, isSet]) => {
    const line = f.get(key)?.line;
    if (!isSet || line === undefined) return [];
    return [{ function: spec.name, warning: notForBuild(r, line, `${path}.${key}`) }];
  });
}

/** The warning for a key that faas build parses but does not act on. */
export function notForBuild(r: YamlReader, line: number, path: string): string {
  return `${r.file}:${line}: ${path} is not supported by faas build (ignored)`;
}

function readNamespace(r: YamlReader, entry: Entry, path: string): string | undefined {
  const namespace = readString(r, entry, path);
  const invalid = namespace === undefined ? undefined : nameProblem(namespace);
  if (invalid) r.problem(entry.line, `${path} ${invalid}`);
  return namespace;
}

function readResources(r: YamlReader, entry: Entry, path: string): FunctionResources | undefined {
  const section = readSection(r, entry, path, RESOURCE_KEYS);
  if (section === undefined || section.size === 0) return undefined;
  const out: FunctionResources = {};
  assignDefined(out, {
    memory: at(section, 'memory', (e) => readString(r, e, `${path}.memory`)),
    cpu: at(section, 'cpu', (e) => readString(r, e, `${path}.cpu`)),
  });
  return out;
}

function stringMap(
  r: YamlReader,
  f: Map<string, Entry>,
  path: string,
  key: string,
): Record<string, string> {
  return at(f, key, (e) => readStringMap(r, e, `${path}.${key}`)) ?? {};
}

function stringList(r: YamlReader, f: Map<string, Entry>, path: string, key: string): string[] {
  return at(f, key, (e) => readStringList(r, e, `${path}.${key}`)) ?? [];
}

/** `read(entry)` when `key` is present, else undefined. */
export function at<T>(
  entries: Map<string, Entry>,
  key: string,
  read: (entry: Entry) => T,
): T | undefined {
  const entry = entries.get(key);
  return entry === undefined ? undefined : read(entry);
}

/** Copies the defined values only, so an optional field is absent rather than `undefined`. */
export function assignDefined<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
