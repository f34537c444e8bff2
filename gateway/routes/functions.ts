/** /system/functions, /system/function/{name}, /system/scale-function/{name}. */
import { Router } from 'express';
import type { Request } from 'express';
import { FaasError, isFaasError } from '../contract/errors.ts';
import { assertName } from '../contract/names.ts';
import type { FunctionStatus } from '../contract/types.ts';
import { parseDelete, parseDeployment, parseScale } from '../contract/validate.ts';
import type { GatewayMetrics } from '../http/metrics.ts';
import type { FunctionCache } from '../invoke/function-cache.ts';
import { timeoutLabelProblem } from '../invoke/timeout.ts';
import type { FunctionState, Provider } from '../providers/provider.ts';
import { SCALE_LABELS, scaleLabelProblems } from '../scaling/labels.ts';
import type { Scaler } from '../scaling/scaler.ts';
import { methodNotAllowed } from './method-not-allowed.ts';

export interface FunctionsDeps {
  readonly provider: Pick<
    Provider,
    'deploy' | 'update' | 'remove' | 'list' | 'get' | 'scale' | 'capabilities'
  >;
  readonly metrics: Pick<GatewayMetrics, 'invocationCount' | 'forget'>;
  readonly functions: Pick<FunctionCache, 'invalidate'>;
  readonly namespace: string;
  /** The most replicas a scale request or com.openfaas.scale.min may ask for. */
  readonly maxReplicas: number;
  /**
   * When present, a scale request goes through it (logged, and remembered so the built-in
   * autoscaler does not undo it within its window).
   */
  readonly scaler?: Pick<Scaler, 'scale' | 'forget'>;
}

function checkReplicas(replicas: number, max: number, what: string): void {
  if (replicas > max) {
    throw new FaasError(
      'INVALID_REQUEST',
      `${what}: at most ${max} replicas (max_replicas), was ${replicas}`,
    );
  }
}

/** Labels the gateway acts on (scaling, timeout) must parse: a 400 names each bad one. */
function checkLabels(labels: Record<string, string>, maxReplicas: number): void {
  const timeout = timeoutLabelProblem(labels);
  const problems = [...scaleLabelProblems(labels), ...(timeout ? [timeout] : [])];
  if (problems.length > 0) {
    throw new FaasError('INVALID_REQUEST', problems.map((p) => `labels: ${p}`).join('; '));
  }
  const min = labels[SCALE_LABELS.min];
  if (min !== undefined) checkReplicas(Number(min), maxReplicas, `labels.${SCALE_LABELS.min}`);
}

/** The wire form: the gateway's counter in, what only the gateway reads (imageEnv) out. */
function toStatus(s: FunctionState, invocationCount: number): FunctionStatus {
  const wire = { ...s, invocationCount };
  delete wire.imageEnv;
  return wire;
}

/** The namespace a request names (query or body), which must be the gateway's one. */
export function namespaceOf(value: unknown, namespace: string): string {
  if (value === undefined || value === '') return namespace;
  if (value !== namespace) {
    throw new FaasError(
      'INVALID_REQUEST',
      `namespace ${JSON.stringify(value)} does not exist: use ${namespace}`,
    );
  }
  return namespace;
}

export function createFunctionsRouter(deps: FunctionsDeps): Router {
  const { provider, metrics, functions, namespace } = deps;
  const status = (s: FunctionState): FunctionStatus => toStatus(s, metrics.invocationCount(s.name));
  const ns = (req: Request): string => namespaceOf(req.query.namespace, namespace);
  const router = Router();

  router
    .route('/system/functions')
    .get(async (req, res) => {
      res.json((await provider.list(ns(req))).map(status));
    })
    .post(async (req, res) => {
      const d = parseDeployment(req.body, namespace);
      namespaceOf(d.namespace, namespace);
      checkLabels(d.labels, deps.maxReplicas);
      await provider.deploy(d);
      metrics.forget(d.service);
      res.status(202).end();
    })
    .put(async (req, res) => {
      const d = parseDeployment(req.body, namespace);
      namespaceOf(d.namespace, namespace);
      checkLabels(d.labels, deps.maxReplicas);
      await provider.update(d);
      functions.invalidate(d.service, d.namespace);
      res.status(202).end();
    })
    .delete(async (req, res) => {
      const { functionName, namespace: given } = parseDelete(req.body);
      const n = namespaceOf(given, namespace);
      await provider.remove(functionName, n).catch((err: unknown) => {
        if (!isFaasError(err, 'FUNCTION_NOT_FOUND')) throw err;
        // OpenFaaS's words (CONTRACT §1.7), which clients show as they are
        const message = `No such service found: ${functionName}.`;
        throw new FaasError('FUNCTION_NOT_FOUND', message, { cause: err });
      });
      functions.invalidate(functionName, n);
      deps.scaler?.forget(functionName, n); // a function deployed again under this name starts afresh
      res.status(202).end();
    })
    .all(methodNotAllowed);

  router
    .route('/system/function/:name')
    .get(async (req, res) => {
      res.json(status(await provider.get(assertName('function name', req.params.name), ns(req))));
    })
    .all(methodNotAllowed);

  router
    .route('/system/scale-function/:name')
    .post(async (req, res) => {
      const name = assertName('function name', req.params.name);
      const { replicas, namespace: given } = parseScale(req.body, name);
      checkReplicas(replicas, deps.maxReplicas, 'replicas');
      const n = namespaceOf(given ?? req.query.namespace, namespace);
      if (!provider.capabilities.scaleToZero && replicas === 0) {
        throw new FaasError('NOT_SUPPORTED', 'this provider cannot scale a function to zero');
      }
      if (deps.scaler) {
        const { replicas: from } = await provider.get(name, n);
        const change = { from, to: replicas, source: 'api' as const, reason: 'scale request' };
        await deps.scaler.scale(name, n, change); // which tells the invoke cache
      } else {
        await provider.scale(name, n, replicas);
        functions.invalidate(name, n);
      }
      res.status(202).end();
    })
    .all(methodNotAllowed);

  return router;
}
