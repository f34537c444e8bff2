/**
 * Errors carry a code from one catalogue; gateway/http/error-table.ts turns each code into an
 * HTTP status, and docs/errors.md lists them (a test keeps the three in step).
 */
export const ERROR_CODES = {
  INVALID_REQUEST: 'the request body or parameters are malformed',
  INVALID_NAME: 'a function, secret or namespace name is not a DNS label',
  METHOD_NOT_ALLOWED: 'the path exists but not with that method',
  PAYLOAD_TOO_LARGE: 'the request body is larger than the gateway accepts',
  UNAUTHORIZED: 'missing or wrong credentials on /system/*',
  FUNCTION_NOT_FOUND: 'no function with that name in that namespace',
  FUNCTION_EXISTS: 'a function with that name already exists',
  IMAGE_NOT_FOUND: 'the image is not in the local image store',
  UNKNOWN_SECRET: 'a deployment names a secret that does not exist',
  SECRET_NOT_FOUND: 'no secret with that name',
  SECRET_EXISTS: 'a secret with that name already exists',
  SECRET_IN_USE: 'a secret cannot be removed while functions use it',
  ALERT_SCALING_OFF: 'an Alertmanager alert arrived while scaling=builtin turns the alert path off',
  NOT_SUPPORTED: 'the provider does not support this capability',
  BAD_LOG_REQUEST: 'the log request parameters are malformed',
  NO_REPLICAS: 'the function has no ready replica',
  UPSTREAM_UNREACHABLE: 'the function could not be reached',
  UPSTREAM_TIMEOUT: 'the function did not answer in time',
  PROVIDER_FAILURE: 'the provider failed to carry out the request',
  ALERTS_FAILED: 'some alerts of an Alertmanager webhook could not be applied',
  PROVIDER_UNAVAILABLE: "the provider's backend (e.g. the Docker engine) does not answer",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class FaasError extends Error {
  override readonly name = 'FaasError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isFaasError = (err: unknown, code?: ErrorCode): err is FaasError =>
  err instanceof FaasError && (code === undefined || err.code === code);

export const tooLarge = (limit: number): FaasError =>
  new FaasError(
    'PAYLOAD_TOO_LARGE',
    `Request body too large: the limit is ${limit} bytes (max_request_bytes)`,
  );
