// Bundles each process into one file under dist/. The watchdog bundle must run with no
// node_modules beside it (it is copied into function images), so it is CommonJS and dist/
// carries a package.json that says so: node treats it the same inside and outside the repo.
import { build } from 'esbuild';
import { chmod, mkdir, writeFile } from 'node:fs/promises';

await mkdir('dist', { recursive: true });
await writeFile('dist/package.json', '{ "type": "commonjs" }\n');
await build({
  entryPoints: { watchdog: 'watchdog/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
// The gateway keeps its dependencies in node_modules; bundling only spares start-up the loader.
await build({
  entryPoints: { gateway: 'gateway/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
});
await build({
  entryPoints: { faas: 'cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: 'linked',
  logLevel: 'warning',
});
await chmod('dist/faas.mjs', 0o755);
console.log('built dist/watchdog.js, dist/gateway.mjs and dist/faas.mjs');
