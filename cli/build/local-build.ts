/**
 * Stage one of `faas build`: assemble a function into the local image store, the way the local
 * provider runs it: the template's runner files, the handler folder as `function/`, its npm
 * dependencies installed, and image.json (written last, atomically) saying how to start it.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { IMAGE_FILE, imageDir, parseImageSpec } from '../../gateway/contract/image-format.ts';
import type { ImageSpec } from '../../gateway/contract/image-format.ts';
import { CliError } from '../errors.ts';
import type { Template } from '../templates.ts';

export interface LocalBuild {
  readonly name: string;
  readonly image: string;
  /** Absolute path of the handler folder. */
  readonly handlerDir: string;
  readonly template: Template;
  readonly fprocess: string | undefined;
  readonly storeDir: string;
  readonly progress: (line: string) => void;
}

async function hasDependencies(dir: string): Promise<boolean> {
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: object;
    };
    return Object.keys(pkg.dependencies ?? {}).length > 0;
  } catch {
    return false;
  }
}

function npmInstall(dir: string, progress: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const npm = spawn(
      'npm',
      ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock'],
      { cwd: dir },
    );
    let tail = '';
    const show = (c: Buffer): void => {
      tail = (tail + c.toString()).slice(-2000);
      for (const l of c.toString().split('\n')) if (l.trim()) progress(`npm: ${l.trim()}`);
    };
    npm.stdout.on('data', show);
    npm.stderr.on('data', show);
    npm.once('error', (e) => reject(new CliError(`cannot run npm in ${dir}: ${e.message}`)));
    npm.once('close', (code) =>
      code === 0
        ? resolve()
        : reject(new CliError(`npm install failed in ${dir} (exit ${code}):\n${tail.trim()}`)),
    );
  });
}

export async function buildLocal(b: LocalBuild): Promise<ImageSpec> {
  if (b.template.name === 'dockerfile') {
    throw new CliError(
      `${b.name}: lang dockerfile builds only with a Docker engine; the local store cannot run it`,
    );
  }
  if (
    !(await stat(b.handlerDir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    throw new CliError(`${b.name}: handler folder ${b.handlerDir} does not exist`);
  }
  const spec = parseImageSpec(
    { fprocess: b.fprocess || b.template.fprocess, mode: b.template.mode, env: {} },
    `function ${b.name}`,
  );
  const target = imageDir(b.storeDir, b.image);
  const staging = `${target}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(dirname(staging), { recursive: true });
  b.progress(`[${b.name}] template ${b.template.name} → ${staging}`);
  await cp(b.template.dir, staging, {
    recursive: true,
    filter: (src) =>
      !src.endsWith('template.yml') && !src.startsWith(join(b.template.dir, 'function')),
  });
  await cp(b.handlerDir, join(staging, 'function'), {
    recursive: true,
    filter: (src) => !src.includes('node_modules'),
  });
  if (await hasDependencies(join(staging, 'function'))) {
    b.progress(`[${b.name}] installing npm dependencies`);
    await npmInstall(join(staging, 'function'), b.progress);
  }
  await writeFile(join(staging, IMAGE_FILE), `${JSON.stringify(spec, null, 2)}\n`);
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
  b.progress(`[${b.name}] built ${b.image} into the local image store (${target})`);
  return spec;
}
