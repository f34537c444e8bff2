/** The Swarm provider's public surface. */
export { DEFAULT_NETWORK, SwarmProvider } from './swarm-provider.ts';
export type { SwarmProviderDeps } from './swarm-provider.ts';
export { memoryBytes, nanoCpus } from './resources.ts';
