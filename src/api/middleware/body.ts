/**
 * Request bodies: a size limit enforced before parsing (Content-Length, or streamed bytes
 * for chunked bodies), JSON-only media types in UTF-8, and JSON parsing with its own problem
 * type.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiEnv } from '../env.ts';
import { ApiProblem } from '../problem.ts';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export const isJsonContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && JSON_MEDIA_TYPE.test(contentType.split(';')[0]?.trim() ?? '');

/** The charset parameter, lower case and unquoted, if the header has one. */
function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const [name = '', ...value] = parameter.split('=');
    if (name.trim().toLowerCase() === 'charset')
      return value
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
  }
  return undefined;
}

/** The charset as the caller wrote it, when it looks like a charset name (nothing else is echoed). */
const shown = (charset: string): string =>
  /^[a-z0-9._:-]{1,40}$/.test(charset) ? `charset=${charset}` : 'that charset';

/**
 * Why this Content-Type cannot carry a JSON body, or undefined when it can. JSON between
 * systems is UTF-8 (RFC 8259 section 8.1): a body declared in another charset would be
 * read as UTF-8 all the same and mean something else, so it is refused.
 */
function contentTypeProblem(contentType: string | undefined): ApiProblem | undefined {
  if (contentType === undefined)
    return new ApiProblem(
      'unsupported-media-type',
      'Send the body as application/json (the Content-Type header is missing).',
    );
  if (!isJsonContentType(contentType))
    return new ApiProblem(
      'unsupported-media-type',
      'Send the body as application/json or application/*+json.',
    );
  const charset = charsetOf(contentType);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return new ApiProblem(
      'unsupported-media-type',
      `JSON bodies are UTF-8 (RFC 8259): ${shown(charset)} is not accepted; send UTF-8, with no charset or charset=utf-8.`,
    );
  return undefined;
}

/**
 * A declared Content-Length is checked from the header alone; only a chunked body goes
 * through Hono's streaming limit. Hono's middleware reads `request.body` first, which makes
 * the Node adapter build a whole Web Request and stream for every request.
 */
export function limitBody(maxBytes: number): MiddlewareHandler<ApiEnv> {
  const tooLarge = () => {
    throw new ApiProblem('payload-too-large', `The request body exceeds ${maxBytes} bytes.`);
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const headers = c.req.raw.headers;
    if (headers.has('transfer-encoding')) return streamed(c, next);
    const declared = headers.get('content-length');
    if (declared !== null && Number.parseInt(declared, 10) > maxBytes) tooLarge();
    return next();
  };
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
      const problem = contentTypeProblem(c.req.header('Content-Type'));
      if (problem) throw problem;
    }
    return next();
  };
}

/** For routes that need a JSON body: 415 without one, 400 malformed-json when it does not parse. */
export function requireJsonBody(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const problem = contentTypeProblem(c.req.header('Content-Type'));
    if (problem) throw problem;
    try {
      // Cached by Hono: the schema validator reads the same parsed value.
      await c.req.json();
    } catch {
      throw new ApiProblem('malformed-json', 'The request body is empty or is not valid JSON.');
    }
    return next();
  };
}
