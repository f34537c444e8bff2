/**
 * The stack file (`stack.yml`) as the `faas` CLI sees it once parsed and checked: the format of
 * OpenFaaS's faas-cli (../shared/CONTRACT.md §5.1), with camelCase field names and every optional
 * map or list defaulted to an empty one, so commands never test for `undefined`.
 *
 * @module
 */

/** `limits:` and `requests:`; values are kept exactly as written (`40Mi`, `100m`, `0.5`). */
export type FunctionResources = {
  memory?: string;
  cpu?: string;
};

/** One entry of `functions:`. */
export type FunctionSpec = {
  /** The map key: a DNS label, the function's service name. */
  name: string;
  /** 1-based line of the name in the stack file, for messages about this function. */
  line: number;
  /** Template name; `dockerfile` builds the handler folder's own Dockerfile. */
  lang?: string;
  /** Folder holding the handler (a path relative to the stack file). */
  handler?: string;
  /** Image reference, kept byte-for-byte (no `docker.io/` or `:latest` added). */
  image: string;
  /** Overrides the template's `fprocess`. */
  fprocess?: string;
  namespace?: string;
  /** True for a prebuilt image: `build` and `push` leave the function alone. */
  skipBuild: boolean;
  /**
   * Environment variables. After `parseStack`: the `environment:` map only. After `loadStack`:
   * `environment:` merged with the `environment_file` entries (later files win).
   */
  environment: Record<string, string>;
  /** Files with a top-level `environment:` map, relative to the stack file. */
  environmentFile: string[];
  secrets: string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  limits?: FunctionResources;
  requests?: FunctionResources;
  constraints: string[];
  readonlyRootFilesystem: boolean;
  buildArgs: Record<string, string>;
  /** Names of build options defined by the template's template.yml. */
  buildOptions: string[];
  /** Build secret id → file path. */
  buildSecrets: Record<string, string>;
  /** Comma-separated platforms for multi-arch builds, e.g. `linux/amd64,linux/arm64`. */
  platforms?: string;
};

/** `provider:`; `name` is always `openfaas` once parsed (2017's `faas` is accepted). */
export type StackProvider = {
  name: 'openfaas';
  gateway?: string;
};

/** An entry of `configuration.templates`: a template to pull by name, from `source` if given. */
export type TemplateSource = {
  name: string;
  source?: string;
};

export type StackConfiguration = {
  templates: TemplateSource[];
  /** Folders copied into every function's build context. */
  copy: string[];
};

export type Stack = {
  /** `1.0` when the file gives a version. */
  version?: string;
  provider: StackProvider;
  /** In file order. */
  functions: FunctionSpec[];
  configuration: StackConfiguration;
};

/**
 * A key that `faas build` reads past (configuration.templates, build_options, ...): a warning
 * for the commands that build, not for deploy, which has no use for it anyway.
 */
export type BuildIgnoredKey = {
  /** The function it belongs to; absent for `configuration:` keys, which concern every build. */
  function?: string;
  /** `FILE:LINE: path is not supported by faas build (ignored)`, ready to print. */
  warning: string;
};

/** What `parseStack` returns: the stack and the warnings (unknown keys, legacy values). */
export type ParsedStack = {
  stack: Stack;
  /** Each `FILE:LINE: text`, ready to print. */
  warnings: string[];
  /** The functions' keys in file order, then configuration's. */
  buildIgnored: BuildIgnoredKey[];
};

/** The process environment, injected so that parsing stays pure. */
export type Env = Readonly<Record<string, string | undefined>>;
