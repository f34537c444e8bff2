/**
 * Names of functions, secrets and namespaces: DNS labels, the rule Kubernetes providers
 * enforce, so a name is safe as a path segment, a process label and a Swarm service name.
 */
import { FaasError } from './errors.ts';
import { DEFAULT_NAMESPACE } from './types.ts';

export const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_NAME_LENGTH = 63;

/** Why `value` is not a valid name, or undefined when it is. */
export function nameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_NAME_LENGTH)
    return `must be at most ${MAX_NAME_LENGTH} characters, was ${value.length}`;
  if (!NAME_PATTERN.test(value)) {
    return 'must be lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

export function assertName(kind: string, value: string): string {
  const problem = nameProblem(value);
  if (problem)
    throw new FaasError('INVALID_NAME', `${kind} ${JSON.stringify(value.slice(0, 80))} ${problem}`);
  return value;
}

/** `/function/NAME.NAMESPACE`: the namespace follows the last dot. */
export function splitQualifiedName(qualified: string): {
  name: string;
  namespace: string | undefined;
} {
  const dot = qualified.lastIndexOf('.');
  if (dot === -1) return { name: qualified, namespace: undefined };
  return { name: qualified.slice(0, dot), namespace: qualified.slice(dot + 1) };
}

export { DEFAULT_NAMESPACE };
