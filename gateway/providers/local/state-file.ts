/**
 * The local provider's deployments on disk: one JSON file in the state directory, replaced
 * atomically (temp file + rename) on every change, so a crash leaves the old or the new state,
 * never half of one. Writes are queued so they land in call order.
 */
import { readFile } from 'node:fs/promises';
import { FaasError } from '../../contract/errors.ts';
import type { ValidDeployment } from '../../contract/types.ts';
import { isErrno, writeFileAtomic } from './files.ts';

/** One deployed function as persisted. */
export interface StoredFunction {
  deployment: ValidDeployment;
  /** Desired replicas. */
  replicas: number;
  /** RFC 3339. */
  createdAt: string;
}

interface FileContent {
  version: 1;
  functions: StoredFunction[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isStoredFunction(v: unknown): v is StoredFunction {
  if (!isObj(v) || !isObj(v.deployment)) return false;
  const d = v.deployment;
  return (
    typeof d.service === 'string' &&
    typeof d.image === 'string' &&
    typeof d.namespace === 'string' &&
    isObj(d.labels) &&
    isObj(d.annotations) &&
    Array.isArray(d.secrets) &&
    Array.isArray(d.constraints) &&
    Number.isInteger(v.replicas) &&
    typeof v.createdAt === 'string'
  );
}

export class StateFile {
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** The saved functions; none when the file does not exist yet. */
  async load(): Promise<StoredFunction[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new FaasError('PROVIDER_FAILURE', `${this.path} is not valid JSON`, { cause: err });
    }
    const functions = isObj(json) ? json.functions : undefined;
    if (!Array.isArray(functions) || !functions.every(isStoredFunction)) {
      throw new FaasError('PROVIDER_FAILURE', `${this.path} does not hold a list of functions`);
    }
    return functions;
  }

  /** Replaces the file with `functions`; resolves once this write (and earlier ones) landed. */
  save(functions: readonly StoredFunction[]): Promise<void> {
    const content: FileContent = { version: 1, functions: [...functions] };
    const data = `${JSON.stringify(content, null, 2)}\n`;
    const write = this.#queue.then(() => writeFileAtomic(this.path, data, 0o600));
    this.#queue = write.catch(() => undefined);
    return write;
  }
}
