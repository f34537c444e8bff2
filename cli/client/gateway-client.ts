/**
 * The CLI's only way to the gateway: its REST API over HTTP (CONTRACT §1, §5.2). Works against
 * a faas gateway and an OpenFaaS one alike. Every failure becomes a CliError naming the URL
 * and the fix.
 */
import type {
  FunctionDeployment,
  FunctionStatus,
  GatewayInfo,
  LogLine,
} from '../../gateway/contract/types.ts';
import { CliError } from '../errors.ts';

export interface ClientOptions {
  readonly gateway: string;
  /** base64(user:password), from `faas login`. */
  readonly token: string | undefined;
  readonly fetch?: typeof fetch;
  readonly debug?: (line: string) => void;
}

export interface InvokeRequest {
  readonly name: string;
  readonly body: Buffer;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly query: string;
  readonly async: boolean;
}

export class GatewayClient {
  private readonly fetch: typeof fetch;
  constructor(private readonly o: ClientOptions) {
    this.fetch = o.fetch ?? fetch;
  }

  get gateway(): string {
    return this.o.gateway;
  }

  async request(
    method: string,
    path: string,
    init: { body?: unknown; auth?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = `${this.o.gateway}${path}`;
    const headers: Record<string, string> = { ...init.headers };
    if (init.auth !== false && this.o.token) headers.authorization = `Basic ${this.o.token}`;
    let body: string | Uint8Array | undefined;
    if (Buffer.isBuffer(init.body)) body = new Uint8Array(init.body);
    else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] = 'application/json';
    }
    this.o.debug?.(`${method} ${url}${headers.authorization ? ' (authorization: Basic ***)' : ''}`);
    try {
      return await this.fetch(url, { method, headers, body, redirect: 'manual' });
    } catch (err) {
      const c = (
        err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }
      ).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
      throw new CliError(
        `cannot reach the gateway at ${this.o.gateway} (${cause}): is it running? Start one with \`npm start\``,
      );
    }
  }

  /** Fails with the gateway's words for any status outside `ok`. */
  async expect(res: Response, ok: number[], what: string): Promise<Response> {
    if (ok.includes(res.status)) return res;
    if (res.status === 401) {
      throw new CliError(
        `unauthorized (401) on ${what}: log in with \`faas login -g ${this.o.gateway} --password-stdin\``,
      );
    }
    const text = (await res.text()).trim();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // plain-text body
    }
    throw new CliError(
      `Unexpected status: ${res.status}, message: ${message || res.statusText} (${what})`,
    );
  }

  async list(): Promise<FunctionStatus[]> {
    const res = await this.expect(
      await this.request('GET', '/system/functions'),
      [200],
      'listing functions',
    );
    return (await res.json()) as FunctionStatus[];
  }

  async describe(name: string): Promise<FunctionStatus> {
    const res = await this.request('GET', `/system/function/${encodeURIComponent(name)}?usage=1`);
    if (res.status === 404) throw new CliError(`no such function: ${name}`);
    return (await (await this.expect(res, [200], `describing ${name}`)).json()) as FunctionStatus;
  }

  /** PUT, then POST when the function does not exist yet: what faas-cli does. */
  async deploy(d: FunctionDeployment): Promise<'updated' | 'created'> {
    const put = await this.request('PUT', '/system/functions', { body: d });
    if (put.status !== 404) {
      await this.expect(put, [200, 201, 202], `deploying ${d.service}`);
      return 'updated';
    }
    await this.expect(
      await this.request('POST', '/system/functions', { body: d }),
      [200, 201, 202],
      `deploying ${d.service}`,
    );
    return 'created';
  }

  async remove(name: string): Promise<void> {
    const res = await this.request('DELETE', '/system/functions', { body: { functionName: name } });
    if (res.status === 404) throw new CliError(`No existing function to remove: ${name}`);
    await this.expect(res, [200, 201, 202], `removing ${name}`);
  }

  async invoke(r: InvokeRequest): Promise<Response> {
    const base = r.async ? 'async-function' : 'function';
    const path = `/${base}/${encodeURIComponent(r.name)}${r.query ? `?${r.query}` : ''}`;
    return this.request(r.method, path, { body: r.body, headers: r.headers, auth: false });
  }

  async *logs(query: URLSearchParams): AsyncIterable<LogLine> {
    const res = await this.expect(
      await this.request('GET', `/system/logs?${query}`),
      [200],
      'reading logs',
    );
    let rest = '';
    for await (const chunk of res.body ?? []) {
      const lines = (rest + Buffer.from(chunk as Uint8Array).toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) yield JSON.parse(l) as LogLine;
    }
  }

  async info(): Promise<GatewayInfo> {
    return (await (
      await this.expect(await this.request('GET', '/system/info'), [200], 'reading gateway info')
    ).json()) as GatewayInfo;
  }
}
