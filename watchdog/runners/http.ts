/**
 * http mode: the handler is a long-lived HTTP server (started from fprocess) and every request
 * is reverse-proxied to `upstream_url` over keep-alive connections, streamed both ways. The
 * function chooses its own status and headers.
 */
import { Agent, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { byteLimit } from '../request.ts';
import { durationSeconds, sendText, writeHead } from './runner.ts';
import type { Runner, RunnerDeps } from './runner.ts';
import { Upstream } from './upstream.ts';
import { endToEnd } from '../headers.ts';

export function createHttpRunner(deps: RunnerDeps): Runner {
  const { config, logger, baseEnv, groups } = deps;
  const url = config.upstreamUrl!;
  const upstream = new Upstream(config.fprocess, baseEnv, url, logger, groups);
  const agent = new Agent({ keepAlive: true });
  upstream.start();
  return {
    ready: () => upstream.ready,
    async close() {
      agent.destroy();
      await upstream.stop();
    },
    run: (req, res) => proxy(deps, agent, req, res),
  };
}

function proxy(
  deps: RunnerDeps,
  agent: Agent,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { config } = deps;
  const url = config.upstreamUrl!;
  const start = performance.now();
  return new Promise((resolve) => {
    const upReq = request({
      agent,
      host: url.hostname,
      port: url.port || 80,
      method: req.method,
      path: req.url,
      headers: endToEnd(req.headers),
    });
    const fail = (status: number, text: string): void => {
      upReq.destroy();
      sendText(res, start, status, text);
      resolve();
    };
    const timer =
      config.execTimeoutMs > 0
        ? setTimeout(
            () => fail(504, `Timed out after ${config.execTimeoutMs / 1000}s (exec_timeout)\n`),
            config.execTimeoutMs,
          )
        : undefined;
    upReq.once('response', (upRes) => {
      writeHead(res, upRes.statusCode ?? 502, {
        ...endToEnd(upRes.headers),
        'X-Duration-Seconds': durationSeconds(start),
      });
      upRes.pipe(res);
      upRes.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      upRes.once('error', () => res.destroy());
    });
    upReq.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (res.headersSent || res.destroyed) return resolve();
      fail(502, `Can't reach the function at ${url.origin}: ${err.code ?? err.message}\n`);
    });
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) upReq.destroy();
      resolve();
    });
    // A Content-Length over the limit was refused before this (server.ts) and Node's parser
    // holds the body to that length; only a chunked body needs counting on its way.
    if (config.maxRequestBytes > 0 && req.headers['transfer-encoding'] !== undefined) {
      const limiter = byteLimit(config.maxRequestBytes);
      limiter.once('error', (err) => fail(413, `${err.message}\n`));
      req.pipe(limiter).pipe(upReq);
    } else {
      req.pipe(upReq);
    }
  });
}
