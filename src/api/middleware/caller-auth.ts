/**
 * Caller authentication: `Authorization: Bearer <key>` on /v1/* with a caller or admin key
 * (except the carrier connect callback, which a browser reaches by redirect); /admin/* with
 * an admin key only (a caller key gets 403). Other paths are public.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../env.ts';
import { ApiProblem } from '../problem.ts';
import { createKeyring, presentKey } from './keyring.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="carrier-gateway"' };
const CONNECT_CALLBACK = /^\/v1\/connect\/[^/]+\/[^/]+\/callback\/?$/;

/** Collapses slashes and case so `//Admin/x` cannot slip past the prefix checks. */
const normalize = (path: string): string => path.replace(/\/{2,}/g, '/').toLowerCase();

const isUnder = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer +(\S+) *$/i);
  return match?.[1];
}

export function callerAuth(options: {
  apiKeys: readonly string[];
  adminKeys: readonly string[];
}): MiddlewareHandler<ApiEnv> {
  // One width for both rings, so the presented key is padded once per request.
  const width = Math.max(createKeyring(options.apiKeys).width, createKeyring(options.adminKeys).width);
  const callers = createKeyring(options.apiKeys, width);
  const admins = createKeyring(options.adminKeys, width);
  return async (c, next) => {
    const path = normalize(c.req.path);
    const admin = isUnder(path, '/admin');
    if (!admin && (!isUnder(path, '/v1') || CONNECT_CALLBACK.test(path))) return next();

    const token = bearerToken(c.req.header('Authorization'));
    if (token === undefined) {
      throw new ApiProblem('unauthorized', 'Send the API key as `Authorization: Bearer <key>`.', {
        headers: CHALLENGE,
      });
    }
    const presented = presentKey(token, width);
    if (admins.hasKey(presented)) {
      c.set('role', 'admin');
      return next();
    }
    const caller = callers.hasKey(presented);
    if (admin && caller) throw new ApiProblem('forbidden', 'This route needs an admin key.');
    if (!caller) {
      throw new ApiProblem('unauthorized', 'The API key is not valid.', {
        headers: { 'WWW-Authenticate': 'Bearer realm="carrier-gateway", error="invalid_token"' },
      });
    }
    c.set('role', 'caller');
    return next();
  };
}
