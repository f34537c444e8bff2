/**
 * The local image store's format, shared by its writer (`faas build`) and its reader (the local
 * provider): `<storeDir>/<encodeURIComponent(image)>/image.json` plus the handler's files.
 */
import { join } from 'node:path';
import { FaasError } from './errors.ts';

export const IMAGE_FILE = 'image.json';
export const IMAGE_MODES = ['fork', 'prefork', 'streaming', 'http'] as const;
export type ImageMode = (typeof IMAGE_MODES)[number];

/** The content of image.json. */
export interface ImageSpec {
  /** The handler command, split on spaces by the watchdog (no shell). */
  fprocess: string;
  mode: ImageMode;
  /** Watchdog and handler environment; a deployment's envVars override it. */
  env: Record<string, string>;
  /** `http` mode: where the handler's own server listens. */
  upstream_url?: string;
}

/** The directory of `image` in the store; `image` is any string, encoded to one path segment. */
export function imageDir(storeDir: string, image: string): string {
  const segment = encodeURIComponent(image);
  if (segment === '' || segment === '.' || segment === '..') {
    throw new FaasError('IMAGE_NOT_FOUND', `image ${JSON.stringify(image)} is not a valid name`);
  }
  return join(storeDir, segment);
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks image.json, naming every problem; `where` names the file in messages. */
export function parseImageSpec(json: unknown, where: string): ImageSpec {
  const problems: string[] = [];
  const o = isObj(json) ? json : {};
  if (!isObj(json)) problems.push('must be a JSON object');
  const { fprocess, mode = 'fork', env = {}, upstream_url: upstream } = o;
  if (typeof fprocess !== 'string' || fprocess.trim() === '') {
    problems.push('fprocess: must be a non-empty string');
  }
  if (!IMAGE_MODES.includes(mode as ImageMode)) {
    problems.push(`mode: must be one of ${IMAGE_MODES.join(', ')}, was ${JSON.stringify(mode)}`);
  }
  if (!isObj(env) || Object.values(env).some((v) => typeof v !== 'string')) {
    problems.push('env: must be an object of strings');
  }
  if (upstream !== undefined && typeof upstream !== 'string') {
    problems.push('upstream_url: must be a string');
  }
  if (problems.length > 0) {
    throw new FaasError('PROVIDER_FAILURE', `${where} is malformed: ${problems.join('; ')}`);
  }
  return {
    fprocess: fprocess as string,
    mode: mode as ImageMode,
    env: env as Record<string, string>,
    ...(typeof upstream === 'string' ? { upstream_url: upstream } : {}),
  };
}
