/** The local provider's public surface: the provider itself and the image store helpers. */
export { LocalProvider } from './local-provider.ts';
export type { LocalProviderDeps } from './local-provider.ts';
export { IMAGE_FILE, imageDir, readImage, writeImage } from './image-store.ts';
export type { Image, ImageFile, ImageMode, ImageSpec } from './image-store.ts';
export { SECRETS_DIR_ENV } from './launch.ts';
export type { ReplicaTiming } from './replica.ts';
