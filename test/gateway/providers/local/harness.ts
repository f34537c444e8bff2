/**
 * A local provider for tests: temp state and image-store directories, the bundled watchdog,
 * and three small images (`cat`, `env`, a shell script reading a secret file).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalProvider, writeImage } from '../../../../gateway/providers/local/index.ts';
import type { LocalProviderDeps } from '../../../../gateway/providers/local/index.ts';

export const WATCHDOG = resolve('dist/watchdog.js');

export const IMAGES = {
  echo: 'faas/echo:latest',
  env: 'registry.example.com:5000/faas/env@sha256:abc',
  secret: 'read-secret',
} as const;

export interface LocalHarness {
  readonly stateDir: string;
  readonly storeDir: string;
  /** A provider on these directories, started; close() stops it (and every other made). */
  provider(extra?: Partial<LocalProviderDeps>): Promise<LocalProvider>;
  close(): Promise<void>;
}

export async function localHarness(): Promise<LocalHarness> {
  const root = await mkdtemp(join(tmpdir(), 'faas-local-'));
  const stateDir = join(root, 'state');
  const storeDir = join(root, 'store');
  await writeImage(storeDir, IMAGES.echo, { fprocess: 'cat' });
  await writeImage(storeDir, IMAGES.env, { fprocess: 'env' });
  await writeImage(
    storeDir,
    IMAGES.secret,
    { fprocess: 'sh read-secret.sh' },
    { 'read-secret.sh': 'exec cat "$FAAS_SECRETS_DIR/$(cat)"\n' },
  );
  const made: LocalProvider[] = [];
  return {
    stateDir,
    storeDir,
    async provider(extra = {}) {
      const p = new LocalProvider({
        stateDir,
        storeDir,
        watchdogPath: WATCHDOG,
        baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        timing: { stopGraceMs: 5000, backoffInitialMs: 100 },
        ...extra,
      });
      made.push(p);
      await p.start();
      return p;
    },
    async close() {
      await Promise.all(made.map((p) => p.close()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
