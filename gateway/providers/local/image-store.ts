/**
 * The local image store: one directory per image, `<storeDir>/<encodeURIComponent(image)>/`,
 * holding `image.json` (how to run it) and the handler's files (the replica's working
 * directory). `faas build` writes entries with writeImage; the local provider reads them.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { FaasError } from '../../contract/errors.ts';
import { isErrno, writeFileAtomic } from './files.ts';
import { IMAGE_FILE, imageDir, parseImageSpec } from '../../contract/image-format.ts';
import type { ImageSpec } from '../../contract/image-format.ts';

export { IMAGE_FILE, IMAGE_MODES, imageDir, parseImageSpec } from '../../contract/image-format.ts';
export type { ImageMode, ImageSpec } from '../../contract/image-format.ts';

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

/** Reads an image from the store: IMAGE_NOT_FOUND when absent, PROVIDER_FAILURE when malformed. */
export async function readImage(storeDir: string, image: string): Promise<Image> {
  const dir = imageDir(storeDir, image);
  const file = join(dir, IMAGE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!['ENOENT', 'ENOTDIR', 'ENAMETOOLONG'].some((code) => isErrno(err, code))) throw err;
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
