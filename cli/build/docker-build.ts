/**
 * Stage two of `faas build`: a Docker image through the Engine API (dockerode `buildImage`),
 * with the build's output shown line by line. A template function's image is its local image
 * store entry on top of the base image (see dockerfile.ts); a `dockerfile` function's image is
 * its handler folder's own Dockerfile, with watchdog.js added to the context and `BASE` set.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import type { ImageSpec } from '../../gateway/contract/image-format.ts';
import { CliError } from '../errors.ts';
import { ensureBaseImage } from '../images/base-image.ts';
import { followProgress } from '../images/docker-engine.ts';
import type { ProgressEvent } from '../images/docker-engine.ts';
import type { RootfsEntry } from '../images/host-rootfs.ts';
import { contextTar, planFolder } from './build-context.ts';
import { CONTEXT_APP_DIR, WATCHDOG_FILE, functionDockerfile } from './dockerfile.ts';

/** What goes into the image: a local store entry, or a folder with its own Dockerfile. */
export type ImageSource =
  { kind: 'store'; dir: string; spec: ImageSpec } | { kind: 'dockerfile'; dir: string };

export interface DockerBuild {
  readonly name: string;
  readonly image: string;
  readonly source: ImageSource;
  readonly base: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Path of the watchdog bundle (dist/watchdog.js). */
  readonly watchdog: string;
  readonly progress: (line: string) => void;
}

/** Lines of build output a failure shows. */
const TAIL_LINES = 15;

const isFile = (p: string): Promise<boolean> =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/** dist/watchdog.js of this package: looked for above this module (cli/build/ or dist/). */
export async function findWatchdogBundle(from = fileURLToPath(import.meta.url)): Promise<string> {
  let dir = dirname(from);
  for (let i = 0; i < 4; i += 1) {
    const candidate = join(dir, 'dist', WATCHDOG_FILE);
    if (await isFile(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new CliError(`the watchdog bundle dist/${WATCHDOG_FILE} is missing: run npm run build`);
}

async function contextEntries(b: DockerBuild): Promise<RootfsEntry[]> {
  const st = await stat(b.watchdog).catch(() => undefined);
  if (!st?.isFile()) throw new CliError(`${b.name}: watchdog bundle ${b.watchdog} is missing`);
  const watchdog: RootfsEntry = {
    type: 'file',
    name: WATCHDOG_FILE,
    mode: 0o644,
    size: st.size,
    source: b.watchdog,
  };
  if (b.source.kind === 'dockerfile') {
    if (!(await isFile(join(b.source.dir, 'Dockerfile')))) {
      throw new CliError(`${b.name}: lang dockerfile needs a Dockerfile in ${b.source.dir}`);
    }
    return [...(await planFolder(b.source.dir, '')), watchdog];
  }
  const dockerfile = functionDockerfile({
    base: b.base,
    spec: b.source.spec,
    buildArgs: Object.keys(b.buildArgs),
  });
  return [
    ...(await planFolder(b.source.dir, CONTEXT_APP_DIR)),
    watchdog,
    { type: 'text', name: 'Dockerfile', mode: 0o644, text: dockerfile },
  ];
}

/** Text lines of one build event, for display. */
export function eventLines(event: ProgressEvent): string[] {
  const text = event.stream ?? (event.status ? `${event.status} ${event.progress ?? ''}` : '');
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
}

/**
 * Builds and tags `b.image` (the base made first if missing), showing each output line as
 * `[name] line`. A failed build is a CliError with the last lines of its output.
 */
export async function buildDockerImage(docker: Docker, b: DockerBuild): Promise<void> {
  const say = (l: string): void => b.progress(`[${b.name}] ${l}`);
  await ensureBaseImage(docker, b.base, say);
  const context = contextTar(await contextEntries(b));
  say(`building Docker image ${b.image} FROM ${b.base}`);
  const tail: string[] = [];
  try {
    const stream = await docker.buildImage(context, {
      t: b.image,
      rm: true,
      forcerm: true,
      buildargs: { ...b.buildArgs, ...(b.source.kind === 'dockerfile' ? { BASE: b.base } : {}) },
    });
    await followProgress(docker, stream, (event) => {
      for (const line of eventLines(event)) {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        say(line);
      }
    });
  } catch (error) {
    const reason = (error as Error).message;
    const shown = tail.length > 0 ? `; last lines of the build:\n${tail.join('\n')}` : '';
    throw new CliError(`${b.name}: docker build of ${b.image} failed: ${reason}${shown}`);
  }
  say(`built Docker image ${b.image}`);
}
