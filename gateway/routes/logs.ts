/** /system/logs: a function's log lines as NDJSON, optionally followed as they come. */
import type { Writable } from 'node:stream';
import { Router } from 'express';
import { FaasError } from '../contract/errors.ts';
import { nameProblem } from '../contract/names.ts';
import type { LogRequest } from '../contract/types.ts';
import type { Provider } from '../providers/provider.ts';
import { namespaceOf } from './functions.ts';
import { methodNotAllowed } from './method-not-allowed.ts';

type Query = Record<string, unknown>;

const bad = (why: string): FaasError =>
  new FaasError('BAD_LOG_REQUEST', `could not parse the log request: ${why}`);

/** Pure: the query string of /system/logs as a LogRequest. */
export function parseLogQuery(q: Query, namespace: string): LogRequest {
  const name = typeof q.name === 'string' ? q.name : '';
  if (typeof q.name !== 'string' || nameProblem(name)) {
    const given = typeof q.name === 'string' ? q.name.slice(0, 80) : (q.name ?? '');
    throw bad(`name ${JSON.stringify(given)} is not a function name`);
  }
  const req: LogRequest = { name, namespace: namespaceOf(q.namespace, namespace), follow: false };
  if (typeof q.instance === 'string' && q.instance !== '') req.instance = q.instance;
  if (q.tail !== undefined && q.tail !== '') {
    const tail = Number(q.tail);
    if (typeof q.tail !== 'string' || !Number.isInteger(tail))
      throw bad(`tail ${JSON.stringify(q.tail)} is not a whole number`);
    if (tail >= 0) req.tail = tail; // OpenFaaS sends -1 for "all"
  }
  if (q.since !== undefined && q.since !== '') {
    const rfc3339 =
      typeof q.since === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(q.since);
    const since = rfc3339 ? new Date(q.since as string) : new Date(NaN);
    if (Number.isNaN(since.getTime()))
      throw bad(`since ${JSON.stringify(q.since)} is not an RFC 3339 time`);
    req.since = since;
  }
  if (q.follow !== undefined && q.follow !== '') {
    if (q.follow !== 'true' && q.follow !== 'false' && q.follow !== '1' && q.follow !== '0') {
      throw bad(`follow ${JSON.stringify(q.follow)} is not true or false`);
    }
    req.follow = q.follow === 'true' || q.follow === '1';
  }
  return req;
}

/** Waits for room in the socket, or for the client to go (then the loop ends). */
function drainOrClose(res: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

export function createLogsRouter(deps: {
  provider: Pick<Provider, 'logs' | 'get' | 'capabilities'>;
  namespace: string;
}): Router {
  const router = Router();
  router
    .route('/system/logs')
    .get(async (req, res) => {
      if (!deps.provider.capabilities.logs)
        throw new FaasError('NOT_SUPPORTED', 'this provider has no logs');
      const logReq = parseLogQuery(req.query as Query, deps.namespace);
      await deps.provider.get(logReq.name, logReq.namespace); // 404 before the stream starts
      const abort = new AbortController();
      res.once('close', () => abort.abort());
      res.status(200).type('application/x-ndjson');
      res.flushHeaders();
      for await (const line of deps.provider.logs(logReq, abort.signal)) {
        if (abort.signal.aborted) break;
        if (!res.write(`${JSON.stringify(line)}\n`)) await drainOrClose(res);
      }
      res.end();
    })
    .all(methodNotAllowed);
  return router;
}
