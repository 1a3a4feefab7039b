/** JSON answers, gzipped when the client accepts it and the carrier opts in (FedEx). */
import { gzipSync } from 'node:zlib';
import type { AnyContext } from './any-context.ts';

export interface JsonResponseOptions {
  status?: number;
  headers?: Record<string, string>;
  /** Gzip the body when the request's Accept-Encoding allows it. */
  gzip?: boolean;
}

export function jsonResponse(c: AnyContext, body: unknown, options: JsonResponseOptions = {}): Response {
  const headers = new Headers({ 'content-type': 'application/json', ...options.headers });
  const text = JSON.stringify(body);
  const accepts = /\bgzip\b/i.test(c.req.header('accept-encoding') ?? '');
  if (options.gzip && accepts) {
    headers.set('content-encoding', 'gzip');
    headers.append('vary', 'Accept-Encoding');
    return new Response(gzipSync(text), { status: options.status ?? 200, headers });
  }
  return new Response(text, { status: options.status ?? 200, headers });
}
