/** Every answer carries X-Request-Id: the caller's when it is sane, otherwise a fresh UUID. */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../env.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming !== undefined && VALID_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    try {
      c.res.headers.set(REQUEST_ID_HEADER, id);
    } catch {
      // Immutable headers (a Response passed through from fetch): copy it once.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set(REQUEST_ID_HEADER, id);
    }
  };
}
