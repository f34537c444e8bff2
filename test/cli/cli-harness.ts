/**
 * The `faas` command tree run in-process against a temp folder: output captured, failures
 * returned as the error they throw (what main.ts prints as `Error: …`), and a recording HTTP
 * server on port 0 to stand in for a gateway.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createProgram } from '../../cli/program.ts';

export interface CliRun {
  out: string;
  err: string;
  error?: Error;
}

export type Faas = (
  args: string[],
  env?: Record<string, string>,
  stdin?: string,
) => Promise<CliRun>;

/** A temp folder removed after the test, and a runner of `faas` commands in it. */
export async function cliIn(
  t: TestContext,
  baseEnv: Record<string, string | undefined> = {},
): Promise<{ dir: string; faas: Faas }> {
  const dir = await mkdtemp(join(tmpdir(), 'faas-cli-docker-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const faas: Faas = async (args, env = {}, stdin = '') => {
    const run: CliRun = { out: '', err: '' };
    const program = createProgram({
      env: { HOME: dir, ...baseEnv, ...env },
      cwd: dir,
      out: (s) => void (run.out += s),
      err: (s) => void (run.err += s),
      readStdin: () => Promise.resolve(Buffer.from(stdin)),
    });
    try {
      await program.parseAsync(['node', 'faas', ...args]);
    } catch (error) {
      run.error = error as Error;
    }
    return run;
  };
  return { dir, faas };
}

/** One request as the recording server saw it. */
export interface Call {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

export type Answer = (call: Call) => { status: number; body?: string };

/** An HTTP server on port 0 that records each request and answers with `answer`. */
export async function recordingServer(
  t: TestContext,
  answer: Answer,
): Promise<{ url: string; calls: Call[] }> {
  const calls: Call[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const call = {
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      };
      calls.push(call);
      const { status, body: text = '' } = answer(call);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  t.after(() => {
    server.closeAllConnections(); // fetch keeps connections alive
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls };
}
