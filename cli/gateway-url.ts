/**
 * Which gateway a command talks to (CONTRACT §5.1): --gateway if not the default, then the
 * stack file's provider.gateway if not the default, then OPENFAAS_URL, then the default.
 */
export const DEFAULT_GATEWAY = 'http://127.0.0.1:8080';

export function normaliseGateway(url: string): string {
  let u = url.trim().toLowerCase().replace(/\/+$/, '');
  if (!/^https?:\/\//.test(u)) u = `http://${u}`;
  return u;
}

export function chooseGateway(
  flag: string | undefined,
  stack: string | undefined,
  envUrl: string | undefined,
): string {
  for (const candidate of [flag, stack]) {
    if (candidate && normaliseGateway(candidate) !== DEFAULT_GATEWAY)
      return normaliseGateway(candidate);
  }
  return normaliseGateway(envUrl || DEFAULT_GATEWAY);
}
