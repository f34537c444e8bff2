/**
 * Parses a stack file (CONTRACT.md §5.1) into a checked Stack. Pure: the text and the
 * environment come in as arguments; loading files is load.ts's job.
 *
 * Steps: `${VAR}` / `${VAR:-default}` substitution from `env` (envsubst.ts), YAML parsing with
 * positions, then a schema check that collects every problem before throwing one StackError:
 * - malformed YAML → STACK_SYNTAX, one `FILE:LINE: message (column N)` per YAML error;
 * - schema problems → STACK_INVALID, one `FILE:LINE: field ...` per problem;
 * - unknown keys and legacy values → warnings, `FILE:LINE: unknown key a.b.c (ignored)`.
 *
 * Rules beyond the types: `version`, when given, is `1.0`; `provider.name` is `openfaas` (2017's
 * `faas` is accepted with a warning); `provider.network` (2017, Swarm) is accepted and ignored;
 * `functions` is required and may be empty; function names are DNS labels; each function needs
 * an `image` (lang and handler only to build: build-check.ts). Keys faas build parses but does
 * not act on come back in `buildIgnored`, for the build commands to warn about. Values of environment, labels,
 * annotations, build_args and build_secrets may be numbers or booleans, taken as the text
 * written (`write_debug: true` is `"true"`), as faas-cli does; see yaml-reader.ts.
 *
 * @example
 * const { stack, warnings } = parseStack(text, 'stack.yml', process.env);
 *
 * @module
 */
import { StackError } from './errors.ts';
import { envsubst } from './envsubst.ts';
import { byKey, readSection, readString, readStringList } from './fields.ts';
import { at, notForBuild, readFunction } from './parse-function.ts';
import type {
  BuildIgnoredKey,
  Env,
  FunctionSpec,
  ParsedStack,
  StackConfiguration,
  StackProvider,
  TemplateSource,
} from './types.ts';
import { openYamlMap } from './yaml-reader.ts';
import type { YamlReader } from './yaml-reader.ts';
import type { Entry } from './yaml-reader.ts';

export { envsubst };

const TOP_KEYS = ['version', 'provider', 'functions', 'configuration'] as const;
const PROVIDER_KEYS = ['name', 'gateway', 'network'] as const;
const CONFIGURATION_KEYS = ['templates', 'copy'] as const;
const TEMPLATE_KEYS = ['name', 'source'] as const;

export function parseStack(text: string, file: string, env: Env): ParsedStack {
  const { r, entries, yamlWarnings } = openYamlMap(
    envsubst(text, env),
    file,
    'a stack file must be a map with provider: and functions:',
  );
  const top = byKey(r, entries, '', TOP_KEYS);
  const version = at(top, 'version', (e) => readVersion(r, e));
  const provider = readProvider(r, top.get('provider'));
  const buildIgnored: BuildIgnoredKey[] = [];
  const functions = readFunctions(r, top.get('functions'), buildIgnored);
  const configuration = readConfiguration(r, top.get('configuration'), buildIgnored);
  if (r.problems.length > 0) throw new StackError('STACK_INVALID', r.problems);
  const stack = { provider, functions, configuration, ...(version ? { version } : {}) };
  return { stack, warnings: [...yamlWarnings, ...r.warnings], buildIgnored };
}

function readVersion(r: YamlReader, entry: Entry): string | undefined {
  const version = readString(r, entry, 'version');
  if (version !== undefined && version !== '1.0') {
    r.problem(entry.line, `version must be 1.0, was ${JSON.stringify(version)}`);
  }
  return version;
}

function readProvider(r: YamlReader, entry: Entry | undefined): StackProvider {
  const provider: StackProvider = { name: 'openfaas' };
  const fix = 'add provider: {name: openfaas}';
  if (entry === undefined) {
    r.problem(1, `provider is required (${fix})`);
    return provider;
  }
  const p = readSection(r, entry, 'provider', PROVIDER_KEYS);
  if (p === undefined) return provider;
  const name = at(p, 'name', (e) => readString(r, e, 'provider.name'));
  const line = p.get('name')?.line ?? entry.line;
  if (name === undefined) r.problem(line, `provider.name is required (${fix})`);
  else if (name === 'faas') r.warn(line, 'provider.name "faas" is the 2017 spelling; use openfaas');
  else if (name !== 'openfaas') {
    r.problem(line, `provider.name must be openfaas, was ${JSON.stringify(name)}`);
  }
  const gateway = at(p, 'gateway', (e) => readString(r, e, 'provider.gateway'));
  return gateway ? { ...provider, gateway } : provider;
}

function readFunctions(
  r: YamlReader,
  entry: Entry | undefined,
  ignored: BuildIgnoredKey[],
): FunctionSpec[] {
  if (entry === undefined) {
    r.problem(1, 'functions is required (a map from function name to its settings)');
    return [];
  }
  if (entry.value === null) return [];
  const entries = r.entries(entry.value);
  if (entries === undefined) {
    r.problem(entry.line, 'functions must be a map from function name to its settings');
    return [];
  }
  return entries.flatMap((e) => readFunction(r, e, ignored) ?? []);
}

function readConfiguration(
  r: YamlReader,
  entry: Entry | undefined,
  ignored: BuildIgnoredKey[],
): StackConfiguration {
  const configuration: StackConfiguration = { templates: [], copy: [] };
  if (entry === undefined) return configuration;
  const c = readSection(r, entry, 'configuration', CONFIGURATION_KEYS);
  if (c === undefined) return configuration;
  const copy = at(c, 'copy', (e) => readStringList(r, e, 'configuration.copy')) ?? [];
  const templates = at(c, 'templates', (e) => readTemplates(r, e)) ?? [];
  // faas build uses the templates it has (./template, then the built-in ones) and copies nothing
  for (const [key, list] of [
    ['templates', templates],
    ['copy', copy],
  ] as const) {
    const line = c.get(key)?.line;
    if (list.length > 0 && line !== undefined)
      ignored.push({ warning: notForBuild(r, line, `configuration.${key}`) });
  }
  return { templates, copy };
}

function readTemplates(r: YamlReader, entry: Entry): TemplateSource[] {
  const items = entry.value === null ? [] : r.items(entry.value);
  if (items === undefined) {
    r.problem(entry.line, 'configuration.templates must be a list of {name, source}');
    return [];
  }
  return items.flatMap((item, index) => {
    const path = `configuration.templates[${index}]`;
    const t = readSection(
      r,
      { key: String(index), line: item.line, value: item.node },
      path,
      TEMPLATE_KEYS,
    );
    if (t === undefined) return [];
    const name = at(t, 'name', (e) => readString(r, e, `${path}.name`));
    const source = at(t, 'source', (e) => readString(r, e, `${path}.source`));
    if (!name) {
      r.problem(item.line, `${path}.name is required`);
      return [];
    }
    return [source ? { name, source } : { name }];
  });
}
