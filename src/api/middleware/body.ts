/**
 * Request bodies: a size limit enforced before parsing (Content-Length, or streamed bytes
 * for chunked bodies), JSON-only media types, and JSON parsing with its own problem type.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiEnv } from '../env.ts';
import { ApiProblem } from '../problem.ts';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export const isJsonContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && JSON_MEDIA_TYPE.test(contentType.split(';')[0]?.trim() ?? '');

const unsupported = (contentType: string | undefined) =>
  new ApiProblem(
    'unsupported-media-type',
    contentType === undefined
      ? 'Send the body as application/json (the Content-Type header is missing).'
      : 'Send the body as application/json or application/*+json.',
  );

export function limitBody(maxBytes: number): MiddlewareHandler<ApiEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiProblem('payload-too-large', `The request body exceeds ${maxBytes} bytes.`);
    },
  });
}

const hasBody = (headers: Headers): boolean =>
  headers.has('transfer-encoding') || (headers.get('content-length') ?? '0') !== '0';

/**
 * When an answer goes out before the body was read (413, 401, 415...), the connection is
 * closed after it: otherwise the client may reuse a socket whose unread body the server is
 * still draining, and its next request fails.
 */
export function closeOnUnreadBody(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const sentBody = hasBody(c.req.raw.headers);
    await next();
    if (sentBody && (c.res.status === 413 || !c.req.raw.bodyUsed)) c.res.headers.set('Connection', 'close');
  };
}

/** Any body sent with POST/PUT/PATCH must be JSON (routes may still accept an empty body). */
export function jsonBodiesOnly(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && hasBody(c.req.raw.headers)) {
      const contentType = c.req.header('Content-Type');
      if (!isJsonContentType(contentType)) throw unsupported(contentType);
    }
    return next();
  };
}

/** For routes that need a JSON body: 415 without one, 400 malformed-json when it does not parse. */
export function requireJsonBody(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const contentType = c.req.header('Content-Type');
    if (!isJsonContentType(contentType)) throw unsupported(contentType);
    try {
      // Cached by Hono: the schema validator reads the same parsed value.
      await c.req.json();
    } catch {
      throw new ApiProblem('malformed-json', 'The request body is empty or is not valid JSON.');
    }
    return next();
  };
}
