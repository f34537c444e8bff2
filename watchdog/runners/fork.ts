/**
 * fork and prefork modes: one fresh process per request, the whole body on stdin, stdout
 * buffered and sent with a status chosen by the exit code (classic watchdog semantics).
 * prefork only changes where the process comes from: a pool started ahead of the request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, cgiEnv, readBody, sniffContentType } from '../request.ts';
import type { HandlerProcess } from '../process.ts';
import { execute } from './execute.ts';
import type { Result } from './execute.ts';
import { parseResponseHead } from './response-head.ts';
import type { ResponseHead } from './response-head.ts';
import { chosenContentType, durationSeconds, sendText, writeHead } from './runner.ts';
import type { Runner, RunnerDeps } from './runner.ts';
import { PreforkPool } from './prefork-pool.ts';

/** fork: the classic contract, stdin, stdout and stderr (every extra pipe costs per request). */
const FORK_STDIO = ['pipe', 'pipe', 'pipe'] as const;
/** prefork: plus fd 3 (request metadata in) and fd 4 (optional response head out). */
const PREFORK_STDIO = ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] as const;
/** How a handler knows it runs in prefork mode: FAAS_REQUEST_FD is set. */
const PREFORK_ENV = { FAAS_REQUEST_FD: '3', FAAS_RESPONSE_FD: '4' };

export function createForkRunner(deps: RunnerDeps): Runner {
  const { config, groups } = deps;
  // A plain copy, made once: spreading process.env itself costs ~70 µs per request.
  const baseEnv = { ...deps.baseEnv };
  return bufferedRunner(deps, (req) =>
    groups.spawn(
      config.fprocess,
      config.cgiHeaders ? { ...baseEnv, ...cgiEnv(toLine(req)) } : baseEnv,
      [...FORK_STDIO],
    ),
  );
}

export function createPreforkRunner(deps: RunnerDeps): Runner {
  const { config, baseEnv, logger, groups } = deps;
  const env = { ...baseEnv, ...PREFORK_ENV };
  const pool = new PreforkPool(() => groups.spawn(config.fprocess, env, [...PREFORK_STDIO]), {
    size: config.preforkPool,
    logger,
  });
  return bufferedRunner(
    deps,
    () => pool.take(),
    () => pool.close(),
  );
}

const toLine = (req: IncomingMessage) => ({
  method: req.method ?? 'GET',
  url: req.url ?? '/',
  rawHeaders: req.rawHeaders,
});

function bufferedRunner(
  deps: RunnerDeps,
  take: (req: IncomingMessage) => HandlerProcess,
  close: () => Promise<void> = async () => undefined,
): Runner {
  const { config, logger } = deps;
  return {
    ready: () => true,
    close,
    async run(req, res) {
      const start = performance.now();
      let body: Buffer;
      try {
        body = await readBody(req, config.maxRequestBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          sendText(res, start, 413, `${err.message}\n`, { Connection: 'close' });
        }
        return;
      }
      logger.log('Forking fprocess.');
      const proc = take(req);
      const result = await execute(deps, proc, req, res, body);
      if (res.destroyed || res.writableEnded) return;
      respond(deps, req, res, result, start);
    },
  };
}

function respond(
  deps: RunnerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  r: Result,
  start: number,
): void {
  const { config, logger } = deps;
  if (r.timedOut) {
    logger.log(`Killed process: exec_timeout of ${config.execTimeoutMs / 1000}s reached`);
    sendText(res, start, 408, 'Killed process.\n');
    return;
  }
  let head: ResponseHead | undefined;
  let error = r.error;
  if (error === undefined) {
    const parsed = parseResponseHead(r.head);
    if (typeof parsed === 'string') error = parsed;
    else head = parsed;
  }
  if (error !== undefined) {
    logger.log(`Error: ${error}`);
    const text = `${error}\n${r.output.toString('utf8')}`;
    sendText(res, start, 500, text);
    return;
  }
  writeHead(res, head?.status ?? 200, {
    'Content-Type': chosenContentType(config, req) ?? sniffContentType(r.output),
    ...head?.headers,
    'Content-Length': r.output.length,
    'X-Duration-Seconds': durationSeconds(start),
  });
  res.end(r.output);
  const seconds = durationSeconds(start);
  logger.log(
    config.writeDebug
      ? `Output: ${r.output.toString('utf8')}`
      : `Wrote ${r.output.length} Bytes - Duration: ${seconds}s`,
  );
}
