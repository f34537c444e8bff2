/**
 * POST /system/alert: the Alertmanager webhook (CONTRACT §1.6), behind /system basic auth.
 * 200 with an empty body when every alert was applied; 400 with the contract's messages for a
 * missing or malformed body; 500 ALERTS_FAILED listing `[i] reason` per failed alert (the others
 * are applied); 409 ALERT_SCALING_OFF when the gateway runs with scaling=builtin.
 */
import { Router } from 'express';
import type { ErrorRequestHandler, Request } from 'express';
import type { ScalingMode } from '../config.ts';
import { FaasError } from '../contract/errors.ts';
import { BAD_FORMAT, BODY_REQUIRED, parseAlerts } from '../scaling/alert.ts';
import { handleAlerts } from '../scaling/alert-handler.ts';
import type { AlertHandlerDeps } from '../scaling/alert-handler.ts';
import { methodNotAllowed } from './method-not-allowed.ts';

export interface AlertDeps extends AlertHandlerDeps {
  /** `builtin` turns the alert path off. */
  readonly scaling: ScalingMode;
}

const PATH = '/system/alert';

/** body-parser reads an empty body as `{}`: only the headers tell it from a real `{}`. */
function hasBody(req: Request): boolean {
  return req.body !== undefined && req.headers['content-length'] !== '0';
}

/**
 * Unparsable JSON on /system/alert gets the contract's alert message rather than the generic
 * one. Mounted by the app after the JSON parser: a router never sees errors raised before it.
 */
export const alertParseError: ErrorRequestHandler = (err: unknown, _req, _res, next) => {
  const type = (err as { type?: unknown } | null)?.type;
  next(type === 'entity.parse.failed' ? new FaasError('INVALID_REQUEST', BAD_FORMAT) : err);
};

export function createAlertRouter(deps: AlertDeps): Router {
  const router = Router();
  router
    .route(PATH)
    .post(async (req, res) => {
      if (deps.scaling === 'builtin') {
        deps.logger.info('alert received while scaling=builtin: ignored (409)');
        throw new FaasError(
          'ALERT_SCALING_OFF',
          'The alert path is off (scaling=builtin): the built-in autoscaler sets replicas. ' +
            'Run the gateway with scaling=alert or scaling=both to scale on alerts.',
        );
      }
      if (!hasBody(req)) throw new FaasError('INVALID_REQUEST', BODY_REQUIRED);
      const failures = await handleAlerts(parseAlerts(req.body), deps);
      if (failures.length > 0) throw new FaasError('ALERTS_FAILED', failures.join('\n'));
      res.status(200).end();
    })
    .all(methodNotAllowed);
  return router;
}
