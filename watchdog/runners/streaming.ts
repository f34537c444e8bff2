/**
 * streaming mode: one process per request, the request body piped to stdin as it arrives and
 * stdout piped to the client as it is written, so neither is held in memory. The status is 200
 * once output starts; a failure after that can only cut the response short (the client sees
 * an incomplete chunked body, never a silent success).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { byteLimit, cgiEnv, sniffContentType } from '../request.ts';
import { exitErrorText } from '../process.ts';
import { lineLogger } from '../log.ts';
import { chosenContentType, durationSeconds, sendText, writeHead } from './runner.ts';
import type { Runner, RunnerDeps } from './runner.ts';

export function createStreamingRunner(deps: RunnerDeps): Runner {
  // A plain copy, made once: spreading process.env itself costs ~70 µs per request.
  const own = { ...deps, baseEnv: { ...deps.baseEnv } };
  return {
    ready: () => true,
    close: async () => undefined,
    run: (req, res) => run(own, req, res),
  };
}

async function run(deps: RunnerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { config, logger, baseEnv, groups } = deps;
  const start = performance.now();
  logger.log('Forking fprocess.');
  const cgi = config.cgiHeaders
    ? cgiEnv({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders })
    : {};
  const proc = groups.spawn(config.fprocess, { ...baseEnv, ...cgi }, ['pipe', 'pipe', 'pipe']);
  const stdin = proc.stdin!;
  const stdout = proc.stdout!;
  const stderr = proc.stderr!;
  let failure: { status: number; text: string } | undefined;
  const fail = (status: number, text: string): void => {
    failure ??= { status, text };
    proc.kill('SIGKILL');
  };

  const limiter = byteLimit(config.maxRequestBytes);
  limiter.once('error', (err) => fail(413, `${err.message}\n`));
  req.pipe(limiter).pipe(stdin);
  const log = lineLogger(logger, 'stderr: ');
  stderr.on('data', (c: Buffer) => log.write(c));

  let written = 0;
  stdout.on('data', (chunk: Buffer) => {
    if (!res.headersSent) {
      writeHead(res, 200, {
        'Content-Type': chosenContentType(config, req) ?? sniffContentType(chunk),
        // Known only up to the first byte here; the total goes to the log.
        'X-Duration-Seconds': durationSeconds(start),
      });
    }
    written += chunk.length;
    if (!res.write(chunk)) {
      stdout.pause();
      res.once('drain', () => stdout.resume());
    }
  });

  const timer =
    config.execTimeoutMs > 0
      ? setTimeout(() => fail(408, 'Killed process.\n'), config.execTimeoutMs)
      : undefined;
  const abandon = (): void => proc.kill('SIGKILL');
  res.once('close', abandon);
  const exit = await proc.exited;
  clearTimeout(timer);
  res.off('close', abandon);
  log.end();
  if (res.destroyed) return;

  const error = failure ? undefined : exitErrorText(config.fprocess[0]!, exit);
  if (failure || error !== undefined) {
    const status = failure?.status ?? 500;
    const text = failure?.text ?? `${error}\n`;
    logger.log(
      `Error: ${text.trim()}${res.headersSent ? ' (after output began: response cut short)' : ''}`,
    );
    sendText(res, start, status, text, status === 413 ? { Connection: 'close' } : {});
    return;
  }
  if (!res.headersSent) {
    writeHead(res, 200, {
      'Content-Type': chosenContentType(config, req) ?? 'text/plain; charset=utf-8',
      'X-Duration-Seconds': durationSeconds(start),
    });
  }
  res.end();
  logger.log(`Wrote ${written} Bytes - Duration: ${durationSeconds(start)}s`);
}
