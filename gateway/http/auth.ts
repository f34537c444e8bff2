/**
 * Basic auth for /system/*: one admin user whose credentials come from files
 * (`basic-auth-user`, `basic-auth-password` under secret_mount_path, as OpenFaaS reads them)
 * or, for development, from env. Compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { FaasError } from '../contract/errors.ts';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon === -1) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** UNAUTHORIZED (401 `invalid credentials` with a Basic challenge) unless the admin's. */
export function requireBasicAuth(expected: Credentials): RequestHandler {
  return (req, _res, next) => {
    const given = parseBasicAuth(req.headers.authorization);
    const userOk = sameSecret(given?.user ?? '', expected.user);
    const passwordOk = sameSecret(given?.password ?? '', expected.password);
    if (given && userOk && passwordOk) return next();
    next(new FaasError('UNAUTHORIZED', 'invalid credentials'));
  };
}
