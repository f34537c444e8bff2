/**
 * A function that wants replicas but has none ready yet (just deployed, restarting, scaling
 * from zero) gets a wait instead of an instant 503; with `fn.replicas` 0 it does not wait
 * (cold-start.ts scales such a function up first, when the gateway can scale).
 */
import { isFaasError } from '../contract/errors.ts';
import type { FunctionState, Provider } from '../providers/provider.ts';

const POLL_MS = 50;

export async function waitForReplica(
  resolver: Pick<Provider, 'resolve'>,
  fn: Pick<FunctionState, 'name' | 'namespace' | 'replicas'>,
  waitMs: number,
): Promise<URL> {
  const deadline = Date.now() + (fn.replicas > 0 ? waitMs : 0);
  for (;;) {
    try {
      return await resolver.resolve(fn.name, fn.namespace);
    } catch (err) {
      if (!isFaasError(err, 'NO_REPLICAS') || Date.now() >= deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
