/**
 * Everything a deploy, update or start needs before replicas can run: the image read from the
 * store (once), the secrets checked and copied to the function's folder, and the launch built.
 */
import type { ValidDeployment } from '../../contract/types.ts';
import { readImage } from './image-store.ts';
import { buildLaunch } from './launch.ts';
import type { Launch } from './replica.ts';
import type { SecretFiles } from './secret-files.ts';

export interface Prepared {
  readonly launch: Launch;
  /** The image's env, which FunctionState.imageEnv reports for the gateway's timeout rule. */
  readonly imageEnv: Readonly<Record<string, string>>;
}

export interface PrepareDeps {
  readonly storeDir: string;
  readonly secretFiles: SecretFiles;
  readonly nodePath: string;
  readonly watchdogPath: string;
  readonly baseEnv: Readonly<Record<string, string>>;
}

/** IMAGE_NOT_FOUND, UNKNOWN_SECRET, or PROVIDER_FAILURE for a malformed image. */
export async function prepare(
  deps: PrepareDeps,
  d: ValidDeployment,
  secretsDir: string,
): Promise<Prepared> {
  const image = await readImage(deps.storeDir, d.image);
  await deps.secretFiles.assertKnown(d.namespace, d.secrets);
  await deps.secretFiles.materialize(d.namespace, d.secrets, secretsDir);
  const { nodePath, watchdogPath, baseEnv } = deps;
  const launch = buildLaunch({ nodePath, watchdogPath, baseEnv, image, deployment: d, secretsDir });
  return { launch, imageEnv: image.spec.env };
}
