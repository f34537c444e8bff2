// `npm start`: build the sample functions into the local image store, start the gateway on the
// embedded default (local processes), deploy stack.yml, and say where everything is. Safe to
// run again: builds overwrite, deploy updates. Ctrl-C stops the gateway and its functions.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const env = { ...process.env };
const port = env.port || '8080';
const stateDir = resolve(env.state_dir || '.faas');
const gateway = `http://127.0.0.1:${port}`;
const cli = (args, input) =>
  spawnSync(process.execPath, ['dist/faas.mjs', ...args], {
    env: { ...env, OPENFAAS_URL: gateway, FAAS_IMAGE_STORE: join(stateDir, 'images') },
    input,
    stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
  });
const fail = (why) => {
  console.error(`npm start: ${why}`);
  process.exit(1);
};

if (cli(['build', '-f', 'stack.yml']).status !== 0)
  fail('building the sample functions failed (see above)');

const gw = spawn(process.execPath, ['--enable-source-maps', 'dist/gateway.mjs'], {
  env: { ...env, state_dir: stateDir },
  stdio: ['ignore', 'inherit', 'pipe'],
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => gw.kill('SIGTERM'));
gw.on('exit', (code) => process.exit(code ?? 1));

let log = '';
gw.stderr.on('data', (chunk) => {
  process.stderr.write(chunk);
  log += chunk;
  if (log.includes('listening on') && !deployed) deploy();
});

let deployed = false;
function deploy() {
  deployed = true;
  const passwordFile = join(stateDir, 'gateway-secrets', 'basic-auth-password');
  const password = env.admin_password || readFileSync(passwordFile, 'utf8').trim();
  if (cli(['login', '--password-stdin'], password).status !== 0)
    fail(`cannot log in to ${gateway}`);
  if (cli(['deploy', '-f', 'stack.yml']).status !== 0)
    fail('deploying stack.yml failed (see above)');
  const list = spawnSync(process.execPath, ['dist/faas.mjs', 'list', '--json'], {
    env: { ...env, OPENFAAS_URL: gateway },
    encoding: 'utf8',
  });
  const names = JSON.parse(list.stdout || '[]').map((f) => f.name);
  console.log(`\nfaas is running on ${gateway} (functions run as local processes).`);
  for (const n of names) console.log(`  ${n.padEnd(10)} ${gateway}/function/${n}`);
  console.log(
    `Admin user: admin; password: ${env.admin_password ? 'from admin_password' : passwordFile}`,
  );
  console.log(`Try: curl -d 'hello' ${gateway}/function/echo`);
  console.log('Ready. Ctrl-C stops the gateway and its functions.');
}
