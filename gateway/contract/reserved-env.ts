/**
 * Env vars the platform sets on every replica and a deployment may not: where the watchdog
 * listens is how the gateway reaches it (and, on the local provider, what keeps it on
 * loopback), and the secrets folder is the provider's. POST/PUT /system/functions refuse them in
 * envVars with a 400 naming the key; providers also set them after envVars.
 */

/** The env var naming a local replica's secrets folder (OpenFaaS uses /var/openfaas/secrets). */
export const SECRETS_DIR_ENV = 'FAAS_SECRETS_DIR';

export const RESERVED_ENV_VARS: readonly string[] = Object.freeze([
  'bind_address',
  'port',
  'metrics_port',
  SECRETS_DIR_ENV,
]);
