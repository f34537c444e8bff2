// Bundles each process into one file under dist/. The watchdog bundle must run with no
// node_modules beside it (it is copied into function images), so it is CommonJS and dist/
// carries a package.json that says so: node treats it the same inside and outside the repo.
// The gateway and the CLI keep their dependencies in node_modules; bundling only spares
// start-up the module loader.
import { build } from 'esbuild';
import { chmod, mkdir, writeFile } from 'node:fs/promises';

const bundle = (name, entry, options) =>
  build({
    entryPoints: { [name]: entry },
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    ...options,
  });
const esm = { format: 'esm', outExtension: { '.js': '.mjs' }, packages: 'external' };

await mkdir('dist', { recursive: true });
await writeFile('dist/package.json', '{ "type": "commonjs" }\n');
await bundle('watchdog', 'watchdog/main.ts', { format: 'cjs', legalComments: 'none' });
await bundle('gateway', 'gateway/main.ts', esm);
await bundle('faas', 'cli/main.ts', { ...esm, banner: { js: '#!/usr/bin/env node' } });
await chmod('dist/faas.mjs', 0o755);
console.log('built dist/watchdog.js, dist/gateway.mjs and dist/faas.mjs');
