/**
 * The local image store: one directory per image, `<storeDir>/<encodeURIComponent(image)>/`,
 * holding `image.json` (how to run it) and the handler's files (the replica's working
 * directory). `faas build` writes entries with writeImage; the local provider reads them.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { FaasError } from '../../contract/errors.ts';
import { isErrno, writeFileAtomic } from './files.ts';

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

export interface ImageFile {
  content: string | Buffer;
  /** Defaults to 0644; use 0755 for scripts. */
  mode?: number;
}

export interface Image {
  /** The replica's working directory. */
  dir: string;
  spec: ImageSpec;
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

/** Reads an image from the store: IMAGE_NOT_FOUND when absent, PROVIDER_FAILURE when malformed. */
export async function readImage(storeDir: string, image: string): Promise<Image> {
  const dir = imageDir(storeDir, image);
  const file = join(dir, IMAGE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    throw new FaasError(
      'IMAGE_NOT_FOUND',
      `image ${image} is not in the local image store (${storeDir}): build it with \`faas build\``,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FaasError('PROVIDER_FAILURE', `${file} is not valid JSON`, { cause: err });
  }
  return { dir, spec: parseImageSpec(json, file) };
}

/**
 * Writes (or overwrites) a store entry: the handler files first, image.json last, so a reader
 * never sees an entry without its files. File names are relative and stay inside the entry.
 */
export async function writeImage(
  storeDir: string,
  image: string,
  spec: Partial<ImageSpec> & Pick<ImageSpec, 'fprocess'>,
  files: Record<string, string | Buffer | ImageFile> = {},
): Promise<string> {
  const dir = imageDir(storeDir, image);
  const full: ImageSpec = { mode: 'fork', env: {}, ...spec };
  parseImageSpec(full, `image ${image}`);
  await mkdir(dir, { recursive: true });
  for (const [name, file] of Object.entries(files)) {
    const rel = normalize(name);
    if (isAbsolute(rel) || rel.startsWith('..') || rel === IMAGE_FILE) {
      throw new FaasError(
        'INVALID_REQUEST',
        `image file name ${JSON.stringify(name)} is not allowed`,
      );
    }
    const f: ImageFile =
      typeof file === 'string' || Buffer.isBuffer(file) ? { content: file } : file;
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content);
    await chmod(path, f.mode ?? 0o644);
  }
  await writeFileAtomic(join(dir, IMAGE_FILE), `${JSON.stringify(full, null, 2)}\n`, 0o644);
  return dir;
}
