/** /system/namespaces, /system/namespace/{ns}, /system/info, /healthz, /metrics. */
import { Router } from 'express';
import { FaasError } from '../contract/errors.ts';
import type { GatewayInfo } from '../contract/types.ts';
import type { GatewayMetrics } from '../http/metrics.ts';
import type { Provider } from '../providers/provider.ts';
import { methodNotAllowed } from './method-not-allowed.ts';

export interface SystemDeps {
  readonly provider: Pick<Provider, 'info'>;
  readonly namespace: string;
  readonly version: string;
}

export function createSystemRouter(deps: SystemDeps): Router {
  const router = Router();
  router
    .route('/system/namespaces')
    .get((_req, res) => {
      res.json([deps.namespace]);
    })
    .all(methodNotAllowed);
  // One namespace, not managed: what faas-provider answers when MutateNamespace is absent.
  router.all('/system/namespace{/:ns}', (_req, _res, next) => {
    const why = `functions live in the one namespace ${deps.namespace}, which cannot be changed`;
    next(new FaasError('NOT_SUPPORTED', `Feature not implemented: ${why}`));
  });
  router
    .route('/system/info')
    .get((_req, res) => {
      const p = deps.provider.info();
      const version = { sha: '', release: deps.version, commit_message: '' };
      const info: GatewayInfo = {
        provider: {
          provider: p.provider,
          orchestration: p.orchestration,
          version: { ...version, release: p.version },
        },
        version,
        arch: process.arch === 'x64' ? 'x86_64' : process.arch,
      };
      res.json(info);
    })
    .all(methodNotAllowed);
  return router;
}

/** Open endpoints: no auth (CONTRACT §1.1). */
export function createOpenRouter(
  metrics: Pick<GatewayMetrics, 'registry'>,
  provider: Pick<Provider, 'healthy'>,
): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const ok = provider.healthy ? await provider.healthy().catch(() => false) : true;
    res
      .status(ok ? 200 : 503)
      .type('text/plain')
      .send(ok ? 'OK' : 'the provider does not answer\n');
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
