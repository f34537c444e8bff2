/**
 * Image references as Docker reads them: `[registry/]path[:tag][@digest]`. The first component
 * names a registry only when it looks like a host (has a `.` or a `:`, or is `localhost`), so
 * `faas/echo:1` is a Docker Hub path and `127.0.0.1:5000/faas/echo:1` is on a local registry.
 *
 * @module
 */

export interface ImageName {
  /** The registry host (with its port), when the name gives one. */
  registry?: string;
  /** Everything before the tag: what `docker push` and the Engine API call the repository. */
  repository: string;
  /** The path inside the registry (`faas/echo`), what `/v2/<path>/tags/list` takes. */
  path: string;
  /** The tag, `latest` when none is given. */
  tag: string;
}

/** Splits an image reference; the tag defaults to `latest`, a digest is dropped. */
export function parseImageName(image: string): ImageName {
  const noDigest = image.split('@')[0] ?? image;
  const colon = noDigest.lastIndexOf(':');
  const hasTag = colon > noDigest.lastIndexOf('/');
  const repository = hasTag ? noDigest.slice(0, colon) : noDigest;
  const tag = hasTag ? noDigest.slice(colon + 1) : 'latest';
  const slash = repository.indexOf('/');
  const first = slash < 0 ? '' : repository.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return isHost
    ? { registry: first, repository, path: repository.slice(slash + 1), tag }
    : { repository, path: repository, tag };
}
