/** A function's replica counts through the gateway's REST API, polled until a condition holds. */
import type { GatewayProc } from '../gateway/gateway-process.ts';
import { sleep } from '../lib/processes.ts';

export interface Status {
  replicas: number;
  availableReplicas: number;
}

export const status = async (gw: GatewayProc, name: string): Promise<Status> =>
  (await gw.system('GET', `/system/function/${name}`)) as Status;

/** ms from `since` until `ok` holds for the function's status, polled every 50 ms. */
export async function waitFor(
  gw: GatewayProc,
  name: string,
  ok: (s: Status) => boolean,
  since: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await status(gw, name);
    if (ok(s)) return performance.now() - since;
    if (performance.now() > deadline) throw new Error(`${name}: still ${JSON.stringify(s)}`);
    await sleep(50);
  }
}
