/**
 * The optional response head a fork or prefork handler writes on fd 4: one JSON object
 * `{"status": 201, "headers": {"Location": "/x"}}`. Without it the classic rules apply.
 */
export interface ResponseHead {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
}

/** Parses what the handler wrote; a string is the error to report as a 500. */
export function parseResponseHead(raw: Buffer): ResponseHead | undefined | string {
  const text = raw.toString('utf8').trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `handler wrote a response head on fd 4 that is not JSON: ${text.slice(0, 200)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'handler response head on fd 4 must be a JSON object {"status", "headers"}';
  }
  const { status = 200, headers = {} } = value as { status?: unknown; headers?: unknown };
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    return `handler response head on fd 4: status ${JSON.stringify(status)} is not 200-599`;
  }
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    return 'handler response head on fd 4: headers must be an object of strings';
  }
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const ok = typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok) return `handler response head on fd 4: header ${k} must be a string`;
    out[k] = v as string | string[];
  }
  return { status, headers: out };
}
