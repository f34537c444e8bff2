/**
 * The watchdog's configuration: every default in one frozen object, read from an injected env
 * by a pure function that names every bad key and value at once (classic-watchdog and
 * of-watchdog env names, docs/config.md).
 */
import { formatDuration } from './duration.ts';
import { EnvReader } from './env-reader.ts';
import type { Env } from './env-reader.ts';

export const MODES = ['fork', 'streaming', 'prefork', 'http'] as const;
export type Mode = (typeof MODES)[number];

export interface WatchdogConfig {
  readonly mode: Mode;
  /** The command forked per request (or once, in http mode), split on spaces: no shell. */
  readonly fprocess: readonly string[];
  readonly upstreamUrl: URL | undefined;
  /** 0 = no limit, as in Go's http.Server. */
  readonly readTimeoutMs: number;
  /** 0 = no limit: responses are never cut and the SIGTERM drain waits for every request. */
  readonly writeTimeoutMs: number;
  /** 0 = no limit. */
  readonly execTimeoutMs: number;
  readonly healthcheckIntervalMs: number;
  readonly writeDebug: boolean;
  readonly debugHeaders: boolean;
  readonly contentType: string;
  readonly marshalRequest: boolean;
  readonly cgiHeaders: boolean;
  readonly combineOutput: boolean;
  readonly suppressLock: boolean;
  readonly prefixLogs: boolean;
  readonly port: number;
  readonly metricsPort: number;
  /** Where both ports listen; empty = every interface (what a container needs). */
  readonly bindAddress: string;
  /** 0 = unlimited. */
  readonly maxInflight: number;
  /** 0 = unlimited. */
  readonly maxRequestBytes: number;
  readonly preforkPool: number;
}

export const DEFAULTS = Object.freeze({
  mode: 'fork' as Mode,
  readTimeoutMs: 30_000,
  writeTimeoutMs: 30_000,
  execTimeoutMs: 0,
  writeDebug: false,
  debugHeaders: false,
  contentType: '',
  marshalRequest: false,
  cgiHeaders: true,
  combineOutput: true,
  suppressLock: false,
  prefixLogs: true,
  port: 8080,
  metricsPort: 8081,
  maxInflight: 0,
  /**
   * By mode: fork and prefork hold the whole body in memory, so it is capped; streaming and http
   * hold a chunk at a time, and bodies larger than memory are their point, so no cap.
   */
  maxRequestBytes: Object.freeze({
    fork: 10 * 1024 * 1024,
    prefork: 10 * 1024 * 1024,
    streaming: 0,
    http: 0,
  } satisfies Record<Mode, number>),
  preforkPool: 2,
});

export type { Env };

/** The boolean keys, read by the classic rule (EnvReader.classicBool). */
const BOOLEAN_KEYS = [
  'write_debug',
  'debug_headers',
  'marshal_request',
  'cgi_headers',
  'combine_output',
  'suppress_lock',
  'prefix_logs',
] as const;

export class ConfigError extends Error {
  readonly code = 'WATCHDOG_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`invalid watchdog configuration:\n  ${problems.join('\n  ')}`);
  }
}

export function readConfig(env: Env): WatchdogConfig {
  const r = new EnvReader(env);
  const mode = readMode(r);
  const fprocessText = r.raw('fprocess', 'function_process');
  if (fprocessText === undefined) {
    r.problems.push('fprocess is required: the command to run, e.g. fprocess="cat"');
  }
  const upstreamUrl = readUpstream(r, mode);
  const writeTimeoutMs = r.duration('write_timeout', DEFAULTS.writeTimeoutMs);
  const config: WatchdogConfig = {
    mode,
    fprocess: (fprocessText ?? '').split(' ').filter((s) => s !== ''),
    upstreamUrl,
    readTimeoutMs: r.duration('read_timeout', DEFAULTS.readTimeoutMs),
    writeTimeoutMs,
    execTimeoutMs: r.duration('exec_timeout', DEFAULTS.execTimeoutMs),
    healthcheckIntervalMs: r.duration('healthcheck_interval', writeTimeoutMs),
    writeDebug: r.classicBool('write_debug', DEFAULTS.writeDebug),
    debugHeaders: r.classicBool('debug_headers', DEFAULTS.debugHeaders),
    contentType: r.raw('content_type') ?? DEFAULTS.contentType,
    marshalRequest: r.classicBool('marshal_request', DEFAULTS.marshalRequest),
    cgiHeaders: r.classicBool('cgi_headers', DEFAULTS.cgiHeaders),
    combineOutput: r.classicBool('combine_output', DEFAULTS.combineOutput),
    suppressLock: r.classicBool('suppress_lock', DEFAULTS.suppressLock),
    prefixLogs: r.classicBool('prefix_logs', DEFAULTS.prefixLogs),
    port: r.int('port', DEFAULTS.port, 0, 65535),
    metricsPort: r.int('metrics_port', DEFAULTS.metricsPort, 0, 65535),
    bindAddress: r.raw('bind_address')?.trim() ?? '',
    maxInflight: r.int('max_inflight', DEFAULTS.maxInflight, 0, 1_000_000),
    maxRequestBytes: r.size('max_request_bytes', DEFAULTS.maxRequestBytes[mode]),
    preforkPool: r.int('prefork_pool', DEFAULTS.preforkPool, 1, 64),
  };
  if (config.port !== 0 && config.port === config.metricsPort) {
    r.problems.push(`metrics_port=${config.metricsPort} must differ from port=${config.port}`);
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

function readMode(r: EnvReader): Mode {
  const v = r.raw('mode')?.trim();
  if (v === undefined) return DEFAULTS.mode;
  if (v === 'serializing') return 'fork'; // of-watchdog's name for the buffered fork mode
  if ((MODES as readonly string[]).includes(v)) return v as Mode;
  r.problems.push(`mode=${JSON.stringify(v)} is not one of ${MODES.join(', ')}`);
  return DEFAULTS.mode;
}

function readUpstream(r: EnvReader, mode: Mode): URL | undefined {
  const v = r.raw('upstream_url', 'http_upstream_url');
  if (v === undefined) {
    if (mode === 'http')
      r.problems.push('upstream_url is required in http mode, e.g. http://127.0.0.1:3000');
    return undefined;
  }
  try {
    const url = new URL(v);
    if (url.protocol === 'http:') return url;
  } catch {
    // reported below
  }
  r.problems.push(`upstream_url=${JSON.stringify(v)} is not an http:// URL`);
  return undefined;
}

/** Settings that are valid but likely not what was meant; logged at start. */
export function configWarnings(c: WatchdogConfig, env: Env = {}): string[] {
  const warnings: string[] = [];
  for (const key of BOOLEAN_KEYS) {
    const v = env[key];
    if (v !== undefined && v !== '' && v !== 'true' && v !== 'false') {
      warnings.push(`${key}=${JSON.stringify(v)} is read as false: only "true" is true`);
    }
  }
  if (c.writeTimeoutMs > 0 && c.execTimeoutMs > c.writeTimeoutMs) {
    warnings.push(
      `exec_timeout ${formatDuration(c.execTimeoutMs)} exceeds write_timeout ` +
        `${formatDuration(c.writeTimeoutMs)}: responses are cut at write_timeout`,
    );
  }
  return warnings;
}
