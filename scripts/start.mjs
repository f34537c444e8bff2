// `npm start`: build the sample functions into the local image store, start the gateway on
// the embedded default (local processes), deploy stack.yml, and say where everything is. Safe to
// run again: builds overwrite, deploy updates, and a faas gateway already answering on the port
// is deployed to rather than started twice. Ctrl-C stops the gateway this run started.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';

const env = { ...process.env };
const port = env.port || '8080';
const stateDir = resolve(env.state_dir || '.faas');
// where the gateway reads and writes its admin credentials (gateway/config.ts)
const secretsDir = resolve(env.secret_mount_path || join(stateDir, 'gateway-secrets'));
const gateway = `http://127.0.0.1:${port}`;
const cli = (args, input) =>
  spawnSync(process.execPath, ['dist/faas.mjs', ...args], {
    env: { ...env, OPENFAAS_URL: gateway, FAAS_IMAGE_STORE: join(stateDir, 'images') },
    input,
    stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
  });
let gw; // the gateway this run started, if any
const fail = (why) => {
  console.error(`npm start: ${why}`);
  process.exitCode = 1;
  // stop the gateway rather than leave it running without us (its exit ends this process)
  if (gw) gw.kill('SIGTERM');
  else process.exit(1);
};

/** 'gateway' when a gateway answers /healthz, 'other' when something else has the port. */
function whoHasPort() {
  return new Promise((done) => {
    const req = get(`${gateway}/healthz`, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () =>
        done(res.statusCode === 200 && body.trim() === 'OK' ? 'gateway' : 'other'),
      );
    });
    req.on('timeout', () => req.destroy(new Error('no answer')));
    req.on('error', (err) => done(err.code === 'ECONNREFUSED' ? 'none' : 'other'));
  });
}

const readTrimmed = (path) => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
};

/** The admin user as the gateway picks it (gateway/credentials.ts): env, then the user file. */
function adminUser() {
  if (env.admin_password) return env.admin_user || 'admin';
  return readTrimmed(join(secretsDir, 'basic-auth-user')) || env.admin_user || 'admin';
}

function deploy(running) {
  const passwordFile = join(secretsDir, 'basic-auth-password');
  const password = env.admin_password || readTrimmed(passwordFile);
  const user = adminUser();
  if (cli(['login', '-u', user, '--password-stdin'], password).status !== 0)
    return fail(`cannot log in to ${gateway} as ${user}`);
  if (cli(['deploy', '-f', 'stack.yml']).status !== 0)
    return fail('deploying stack.yml failed (see above)');
  const list = spawnSync(process.execPath, ['dist/faas.mjs', 'list', '--json'], {
    env: { ...env, OPENFAAS_URL: gateway },
    encoding: 'utf8',
  });
  const names = JSON.parse(list.stdout || '[]').map((f) => f.name);
  console.log(
    running
      ? `\nfaas was already running on ${gateway}: deployed to it (stop it where it was started).`
      : `\nfaas is running on ${gateway} (functions run as local processes).`,
  );
  for (const n of names) console.log(`  ${n.padEnd(10)} ${gateway}/function/${n}`);
  const from = env.admin_password ? 'from admin_password' : passwordFile;
  console.log(`Admin user: ${user}; password: ${from}`);
  console.log(`Try: curl -d 'hello' ${gateway}/function/echo`);
  console.log(running ? 'Ready.' : 'Ready. Ctrl-C stops the gateway and its functions.');
}

function startGateway() {
  gw = spawn(process.execPath, ['--enable-source-maps', 'dist/gateway.mjs'], {
    env: { ...env, state_dir: stateDir },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => gw.kill('SIGTERM'));
  gw.on('exit', (code) => process.exit(process.exitCode || (code ?? 1)));
  let log = '';
  let deployed = false;
  gw.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    if (deployed) return;
    log += chunk;
    if (log.includes('listening on')) {
      deployed = true;
      deploy(false);
    }
  });
}

const owner = await whoHasPort();
if (owner === 'other')
  fail(
    `port ${port} is taken, but GET ${gateway}/healthz does not answer 200 OK from a gateway; free the port or set port=`,
  );
if (cli(['build', '-f', 'stack.yml']).status !== 0)
  fail('building the sample functions failed (see above)');
if (owner === 'gateway') deploy(true);
else startGateway();
