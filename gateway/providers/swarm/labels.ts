/**
 * The labels the Swarm provider writes on services and secrets. The `com.openfaas.*` names are
 * faas-swarm's, so tools that know OpenFaaS on Swarm still find functions; what faas-swarm did
 * not keep (the image as deployed, the resource strings) lives under `com.faas.swarm.`.
 *
 * @module
 */

/** Every function service and its containers: `com.openfaas.function=<name>`. */
export const FUNCTION_LABEL = 'com.openfaas.function';
/** faas-swarm's legacy marker, `function=true`. */
export const LEGACY_FUNCTION_LABEL = 'function';
/** Annotation `k` is stored as label `com.openfaas.annotations.k`. */
export const ANNOTATION_PREFIX = 'com.openfaas.annotations.';
/** Bumped on every update so that Swarm restarts the tasks even when nothing else changed. */
export const UID_LABEL = 'com.openfaas.uid';
/** On secrets the provider manages. */
export const OWNER_LABEL = 'com.openfaas.owner';
export const OWNER = 'openfaas';
/** On the functions network (faas-swarm looked networks up by it). */
export const NETWORK_LABEL = 'openfaas';

const INTERNAL = 'com.faas.swarm.';
/** The image string exactly as deployed (Docker rewrites `docker.io/x` to `x`). */
export const IMAGE_LABEL = `${INTERNAL}image`;
/** The deployed limits and requests as JSON, echoed byte for byte. */
export const LIMITS_LABEL = `${INTERNAL}limits`;
export const REQUESTS_LABEL = `${INTERNAL}requests`;
/** On a secret: its logical name (a Swarm secret is `<name>` then `<name>.v2`, `.v3`…). */
export const SECRET_NAME_LABEL = `${INTERNAL}secret`;
export const SECRET_VERSION_LABEL = `${INTERNAL}version`;

/** Where a function finds its secrets: one file per secret, named after it. */
export const SECRETS_DIR = '/var/openfaas/secrets';

/** The labels a user may not set, because the provider writes them. */
export function reservedLabel(key: string): boolean {
  return (
    key === FUNCTION_LABEL ||
    key === LEGACY_FUNCTION_LABEL ||
    key === UID_LABEL ||
    key.startsWith(INTERNAL) ||
    key.startsWith(ANNOTATION_PREFIX)
  );
}
