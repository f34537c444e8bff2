/**
 * Pure checks that turn untrusted JSON into typed requests. Every problem in a body is reported
 * at once ("service: is required; image: is required"), as INVALID_REQUEST or INVALID_NAME.
 */
import { FaasError } from './errors.ts';
import { nameProblem } from './names.ts';
import { RESERVED_ENV_VARS } from './reserved-env.ts';
import type { DeleteFunctionRequest, FunctionDeployment, ValidDeployment } from './types.ts';

type Obj = Record<string, unknown>;

const MAX_IMAGE_LENGTH = 255;

/** No lone surrogates: such a string cannot become a file name or a URL. */
function wellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly problems: string[] = [];
  nameProblems = 0;
  constructor(private readonly body: Obj) {}

  string(field: string, required: boolean): string | undefined {
    const v = this.body[field];
    if (v === undefined || v === null || v === '') {
      if (required) this.problems.push(`${field}: is required`);
      return undefined;
    }
    if (typeof v !== 'string') this.problems.push(`${field}: must be a string, was ${typeof v}`);
    return typeof v === 'string' ? v : undefined;
  }

  name(field: string, required = true): string | undefined {
    const v = this.string(field, required);
    const problem = v === undefined ? undefined : nameProblem(v);
    if (problem) {
      this.problems.push(`${field}: ${problem}`);
      this.nameProblems++;
    }
    return problem ? undefined : v;
  }

  map(field: string): Record<string, string> | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) return undefined;
    if (!isObj(v) || Object.values(v).some((x) => typeof x !== 'string')) {
      this.problems.push(`${field}: must be an object of strings`);
      return undefined;
    }
    // A NUL cannot reach a process's environment or a label, and an env key cannot hold '='.
    for (const [k, x] of Object.entries(v as Record<string, string>)) {
      if (
        k === '' ||
        k.includes('\0') ||
        (x as string).includes('\0') ||
        (field === 'envVars' && k.includes('='))
      ) {
        this.problems.push(
          `${field}: key ${JSON.stringify(k.slice(0, 80))} or its value is not allowed (empty, NUL${field === 'envVars' ? " or '='" : ''})`,
        );
        return undefined;
      }
    }
    if (field === 'envVars') this.reserved(Object.keys(v));
    return Object.assign(Object.create(null) as Record<string, string>, v);
  }

  /** envVars the platform sets itself (reserved-env.ts): named, never silently dropped. */
  private reserved(keys: readonly string[]): void {
    for (const k of keys.filter((x) => RESERVED_ENV_VARS.includes(x))) {
      this.problems.push(
        `envVars: ${JSON.stringify(k)} is set by the platform and cannot be overridden ` +
          `(reserved: ${RESERVED_ENV_VARS.join(', ')})`,
      );
    }
  }

  list(field: string): string[] | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      this.problems.push(`${field}: must be an array of strings`);
      return undefined;
    }
    return v as string[];
  }

  bool(field: string): boolean | undefined {
    const v = this.body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.problems.push(`${field}: must be true or false`);
    return typeof v === 'boolean' ? v : undefined;
  }

  done<T>(value: T): T {
    if (this.problems.length === 0) return value;
    const code = this.nameProblems === this.problems.length ? 'INVALID_NAME' : 'INVALID_REQUEST';
    throw new FaasError(code, this.problems.join('; '));
  }
}

function checker(body: unknown, what: string): Checker {
  if (!isObj(body)) throw new FaasError('INVALID_REQUEST', `${what} must be a JSON object`);
  return new Checker(body);
}

export function parseDeployment(body: unknown, defaultNamespace: string): ValidDeployment {
  const c = checker(body, 'a function deployment');
  const service = c.name('service');
  const image = c.string('image', true);
  if (
    image !== undefined &&
    (image.length > MAX_IMAGE_LENGTH || !wellFormed(image) || /[\0\s]/.test(image))
  ) {
    c.problems.push(
      `image: must be at most ${MAX_IMAGE_LENGTH} characters without spaces or control characters`,
    );
  }
  const envProcess = c.string('envProcess', false);
  if (envProcess?.includes('\0')) c.problems.push('envProcess: must not contain NUL');
  const secrets = c.list('secrets') ?? [];
  for (const s of secrets) {
    const problem = nameProblem(s);
    if (problem) c.problems.push(`secrets: ${JSON.stringify(s.slice(0, 80))} ${problem}`);
  }
  const d: FunctionDeployment = {
    service: service ?? '',
    image: image ?? '',
    namespace: c.name('namespace', false) ?? defaultNamespace,
    envProcess,
    envVars: c.map('envVars'),
    constraints: c.list('constraints'),
    secrets,
    labels: c.map('labels'),
    annotations: c.map('annotations'),
    limits: c.map('limits'),
    requests: c.map('requests'),
    readOnlyRootFilesystem: c.bool('readOnlyRootFilesystem'),
  };
  return c.done(
    withoutUndefined({
      ...d,
      namespace: d.namespace!,
      labels: d.labels ?? {},
      annotations: d.annotations ?? {},
      secrets,
      constraints: d.constraints ?? [],
    }),
  );
}

/** Scale body; the name in the path wins when the body names none. */
export function parseScale(
  body: unknown,
  pathName: string,
): { replicas: number; namespace?: string } {
  const c = checker(body, 'a scale request');
  const serviceName = c.string('serviceName', false);
  if (serviceName !== undefined && serviceName !== pathName) {
    c.problems.push(
      `serviceName: ${JSON.stringify(serviceName)} does not match the path (${pathName})`,
    );
  }
  const replicas = (body as Obj).replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    c.problems.push(
      `replicas: must be a whole number of 0 or more, was ${JSON.stringify(replicas)}`,
    );
  }
  const namespace = c.name('namespace', false);
  return c.done({ replicas: replicas as number, ...(namespace ? { namespace } : {}) });
}

export function parseDelete(
  body: unknown,
): Required<DeleteFunctionRequest> | { functionName: string; namespace?: string } {
  const c = checker(body, 'a delete request');
  const functionName = c.name('functionName');
  const namespace = c.name('namespace', false);
  return c.done({ functionName: functionName!, ...(namespace ? { namespace } : {}) });
}

/** A secret body; `rawValue` (base64) wins over `value` when non-empty. */
export function parseSecret(
  body: unknown,
  needValue: boolean,
): { name: string; namespace?: string; value: Buffer } {
  const c = checker(body, 'a secret');
  const name = c.name('name');
  const namespace = c.name('namespace', false);
  const value = c.string('value', false);
  const raw = c.string('rawValue', false);
  if (raw !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(raw))
    c.problems.push('rawValue: must be base64');
  if (needValue && value === undefined && raw === undefined)
    c.problems.push('value: is required (or rawValue)');
  const bytes = raw ? Buffer.from(raw, 'base64') : Buffer.from(value ?? '', 'utf8');
  return c.done({ name: name!, ...(namespace ? { namespace } : {}), value: bytes });
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
