// Bundles each process into one file under dist/. The watchdog bundle must run with no
// node_modules beside it (it is copied into function images), so it is CommonJS and dist/
// carries a package.json that says so: node treats it the same inside and outside the repo.
// The gateway and the CLI keep their dependencies in node_modules; bundling only spares
// start-up the module loader. dist/gateway-image.mjs is the gateway again with every dependency
// inside, for the gateway's Docker image (cli/swarm/gateway-image.ts): only the native optional
// parts of ssh2 (cpu-features, sshcrypto.node) stay out; ssh2 loads without them and the gateway
// reaches dockerd over a unix socket. CommonJS dependencies in an ESM bundle need `require`,
// `__filename` and `__dirname`, which the banner defines.
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
await bundle('gateway-image', 'gateway/main.ts', {
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  external: ['cpu-features', '*.node'],
  legalComments: 'none',
  banner: {
    js: [
      "import { createRequire as __faasRequire } from 'node:module';",
      "import { fileURLToPath as __faasPath } from 'node:url';",
      "import { dirname as __faasDirname } from 'node:path';",
      'const require = __faasRequire(import.meta.url);',
      'const __filename = __faasPath(import.meta.url);',
      'const __dirname = __faasDirname(__filename);',
    ].join(' '),
  },
});
await chmod('dist/faas.mjs', 0o755);
console.log('built dist/watchdog.js, dist/gateway.mjs, dist/gateway-image.mjs and dist/faas.mjs');
