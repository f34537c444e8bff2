/**
 * Table-driven bad input for the /system routes: each case is one request and the 4xx it must
 * get, with a JSON `{code, message}` body (never a 500). Shared by the bad-input-*.test.ts files,
 * one per route group.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import request from 'supertest';
import { ERROR_CODES } from '../../gateway/contract/errors.ts';
import { ADMIN, buildApp } from './app-harness.ts';
import type { Harness } from './app-harness.ts';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface Case {
  readonly why: string;
  readonly method: Method;
  readonly path: string;
  /** A string is sent as it is (malformed JSON); anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly status: number;
  readonly message: RegExp;
}

/** The body limit every bad-input app runs with. */
export const LIMIT = 2048;

/** Names no route may accept (INVALID_NAME), as they would be typed. */
export const HOSTILE_NAMES: readonly (readonly [why: string, name: string])[] = [
  ['a traversal name', '../x'],
  ['a name with a space', 'a b'],
  ['an upper-case name', 'Echo'],
  ['a 300-character name', 'a'.repeat(300)],
];

/** What each hostile name's message says about it. */
export const NAME_PROBLEM = /must be lower-case letters|must be at most 63 characters, was 300/;

/** An app with function `existing` and secret `existing` deployed, and a 2 KiB body limit. */
export async function badInputApp(t: TestContext): Promise<Harness> {
  const h = buildApp(t, { maxRequestBytes: LIMIT });
  const admin = (r: request.Test) => r.auth(ADMIN.user, ADMIN.password);
  await admin(request(h.app).post('/system/secrets'))
    .send({ name: 'existing', value: 'v' })
    .expect(201);
  await admin(request(h.app).post('/system/functions'))
    .send({ service: 'existing', image: 'img', secrets: ['existing'] })
    .expect(202);
  return h;
}

/** Malformed JSON, JSON that is not an object, and a body over the limit, for one route. */
export function bodyCases(method: Method, path: string, what: string): Case[] {
  return [
    {
      why: `${method} ${path}: malformed JSON`,
      method,
      path,
      body: '{"name":',
      status: 400,
      message: /^Cannot parse request\. Please pass valid JSON\.$/,
    },
    ...(['[1,2]', '"text"', '42', 'null'] as const).map((body) => ({
      why: `${method} ${path}: ${body} is not an object`,
      method,
      path,
      body,
      status: 400,
      message: new RegExp(`^${what} must be a JSON object$`),
    })),
    {
      why: `${method} ${path}: a body over max_request_bytes`,
      method,
      path,
      body: { pad: 'x'.repeat(LIMIT) },
      status: 413,
      message: /^Request body too large: the limit is 2048 bytes \(max_request_bytes\)$/,
    },
    {
      why: `${method} ${path}: a gzip body that does not inflate`,
      method,
      path,
      body: '\u001f\u008bnot gzip',
      headers: { 'Content-Encoding': 'gzip' },
      status: 400,
      message: /./,
    },
  ];
}

function send(h: Harness, c: Case): request.Test {
  let r = request(h.app)[c.method](c.path).auth(ADMIN.user, ADMIN.password);
  for (const [k, v] of Object.entries(c.headers ?? {})) r = r.set(k, v);
  if (c.body === undefined) return r;
  return r
    .set('Content-Type', 'application/json')
    .send(typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
}

/** Runs each case as a subtest: its status, and a JSON error whose code is in the catalogue. */
export async function runCases(t: TestContext, h: Harness, cases: readonly Case[]): Promise<void> {
  for (const c of cases) {
    await t.test(c.why, async () => {
      const res = await send(h, c);
      assert.equal(res.status, c.status, res.text);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/, res.text);
      const body = res.body as { code?: string; message?: string };
      assert.ok(body.code !== undefined && body.code in ERROR_CODES, `code: ${res.text}`);
      assert.match(body.message ?? '', c.message);
    });
  }
}

/** Names of what is deployed, to show bad input left nothing behind. */
export async function deployed(h: Harness): Promise<string[]> {
  const res = await request(h.app).get('/system/functions').auth(ADMIN.user, ADMIN.password);
  return (res.body as { name: string }[]).map((f) => f.name).sort();
}
