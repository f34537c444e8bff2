/** /system/secrets: values go in, names come out. */
import { Router } from 'express';
import type { Request } from 'express';
import { FaasError } from '../contract/errors.ts';
import { parseSecret } from '../contract/validate.ts';
import type { Provider } from '../providers/provider.ts';
import { namespaceOf } from './functions.ts';
import { methodNotAllowed } from './method-not-allowed.ts';

export function createSecretsRouter(deps: {
  provider: Pick<Provider, 'secrets' | 'capabilities'>;
  namespace: string;
}): Router {
  const { provider, namespace } = deps;
  const router = Router();
  const body = (req: Request, needValue: boolean) => {
    if (!provider.capabilities.secrets)
      throw new FaasError('NOT_SUPPORTED', 'this provider has no secrets store');
    const s = parseSecret(req.body, needValue);
    return { ...s, namespace: namespaceOf(s.namespace ?? req.query.namespace, namespace) };
  };
  router
    .route('/system/secrets')
    .get(async (req, res) => {
      res.json(await provider.secrets.list(namespaceOf(req.query.namespace, namespace)));
    })
    .post(async (req, res) => {
      await provider.secrets.create(body(req, true));
      res.status(201).end();
    })
    .put(async (req, res) => {
      if (!provider.capabilities.secretUpdate) {
        throw new FaasError(
          'NOT_SUPPORTED',
          'this provider cannot update secrets: remove and create it',
        );
      }
      await provider.secrets.update(body(req, true));
      res.status(202).end();
    })
    .delete(async (req, res) => {
      const s = body(req, false);
      await provider.secrets.remove(s.name, s.namespace);
      res.status(202).end();
    })
    .all(methodNotAllowed);
  return router;
}
