/**
 * FunctionState as CONTRACT.md §1.5 wants it: labels and annotations always objects, labels
 * carrying `faas_function`, envVars/limits/requests omitted when unset or empty, the image
 * exactly as deployed, replicas = desired. imageEnv (not on the wire) when the image has env.
 */
import type { ResourceList } from '../../contract/types.ts';
import type { FunctionState } from '../provider.ts';
import type { LocalFunction } from './local-function.ts';

const present = <T extends Record<string, string>>(
  field: string,
  value: T | undefined,
): Record<string, T> => (value && Object.keys(value).length > 0 ? { [field]: value } : {});

export function toFunctionState(fn: LocalFunction): FunctionState {
  const d = fn.deployment;
  return {
    name: d.service,
    image: d.image,
    namespace: d.namespace,
    envProcess: d.envProcess ?? '',
    ...present('envVars', d.envVars),
    constraints: [...d.constraints],
    secrets: [...d.secrets],
    labels: { ...d.labels, faas_function: d.service },
    annotations: { ...d.annotations },
    ...present<ResourceList>('limits', d.limits),
    ...present<ResourceList>('requests', d.requests),
    readOnlyRootFilesystem: d.readOnlyRootFilesystem ?? false,
    replicas: fn.desired,
    availableReplicas: fn.available,
    createdAt: fn.createdAt,
    ...present('imageEnv', fn.imageEnv),
  };
}
