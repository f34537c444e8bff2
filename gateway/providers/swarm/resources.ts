/**
 * Resource quantities as OpenFaaS deployments write them (Kubernetes style: `5Mi`, `128M`,
 * `100m`, `0.5`) turned into what Swarm takes: bytes and NanoCPUs. Pure; a bad value is
 * INVALID_REQUEST naming the field and the value. faas-swarm parsed CPU as whole nano-CPUs and
 * silently dropped `100m`; here it is 0.1 CPU.
 *
 * @module
 */
import { FaasError } from '../../contract/errors.ts';
import type { ResourceList } from '../../contract/types.ts';

const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
/** Docker's own spellings (`docker run -m 5m`): lower-case letters are binary units. */
const DOCKER: Readonly<Record<string, number>> = {
  b: 1,
  kb: 2 ** 10,
  m: 2 ** 20,
  mb: 2 ** 20,
  g: 2 ** 30,
  gb: 2 ** 30,
};

const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)([A-Za-z]*)$/;

function bad(field: string, value: string, why: string): FaasError {
  return new FaasError('INVALID_REQUEST', `${field}: ${JSON.stringify(value)} ${why}`);
}

/** `5Mi` → 5242880; `128M` → 128000000; `64m` (Docker) → 67108864. */
export function memoryBytes(field: string, value: string): number {
  const m = QUANTITY.exec(value.trim());
  const unit = m?.[2] ?? '';
  const factor = BINARY[unit] ?? DECIMAL[unit] ?? DOCKER[unit];
  if (!m || factor === undefined) {
    throw bad(field, value, 'is not a memory quantity (e.g. 128Mi, 1G, 512000)');
  }
  const bytes = Math.floor(Number(m[1]) * factor);
  if (bytes <= 0) throw bad(field, value, 'must be more than 0 bytes');
  return bytes;
}

/** `100m` → 1e8 NanoCPUs; `0.5` → 5e8; `2` → 2e9. */
export function nanoCpus(field: string, value: string): number {
  const m = QUANTITY.exec(value.trim());
  const unit = m?.[2] ?? '';
  if (!m || (unit !== '' && unit !== 'm')) {
    throw bad(field, value, 'is not a CPU quantity (e.g. 100m, 0.5, 2)');
  }
  const nano = Math.round(Number(m[1]) * (unit === 'm' ? 1e6 : 1e9));
  if (nano <= 0) throw bad(field, value, 'must be more than 0');
  return nano;
}

/** Docker refuses to start a container whose memory limit is under 6 MiB ("6MB"). */
export const MIN_LIMIT_BYTES = 6 * 2 ** 20;
/** Swarm refuses a service whose memory reservation is under 4 MiB. */
export const MIN_RESERVATION_BYTES = 4 * 2 ** 20;

/**
 * Swarm Resources for one list. Memory under Docker's minimum is raised to it (the deployed
 * string is still what get() echoes); keys other than memory and cpu are echoed, not applied.
 */
export function swarmResources(
  field: 'limits' | 'requests',
  list: ResourceList | undefined,
): { MemoryBytes?: number; NanoCPUs?: number } | undefined {
  if (!list) return undefined;
  const out: { MemoryBytes?: number; NanoCPUs?: number } = {};
  if (list.memory !== undefined) {
    const min = field === 'limits' ? MIN_LIMIT_BYTES : MIN_RESERVATION_BYTES;
    out.MemoryBytes = Math.max(min, memoryBytes(`${field}.memory`, list.memory));
  }
  if (list.cpu !== undefined) out.NanoCPUs = nanoCpus(`${field}.cpu`, list.cpu);
  return Object.keys(out).length > 0 ? out : undefined;
}
