/**
 * Parcel DE error shapes: API errors are RequestStatus problems (`{title, statusCode,
 * status, detail}`, application/problem+json; the 401 recorded as `{title, statusCode,
 * detail}`); the ROPC token endpoint answers OAuth-style `{error, error_description}`.
 */
import {
  type AuthErrorRenderer,
  type ErrorRenderOptions,
  rfc6749Renderer,
} from '../../../sandbox/kit/index.ts';

export const PROBLEM = 'application/problem+json';

export function problem(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': PROBLEM, ...headers } });
}

const retryHeaders = (o: ErrorRenderOptions | undefined): Record<string, string> =>
  o?.retryAfterHeader === undefined ? {} : { 'retry-after': o.retryAfterHeader };

const oauth = rfc6749Renderer({ realm: 'api-sandbox.dhl.com' });

export const parcelDeRenderer: AuthErrorRenderer = {
  token: (kind, options) => oauth.token(kind, options),
  unauthorized() {
    return problem(401, {
      title: 'Unauthorized',
      statusCode: 401,
      detail: 'Unauthorized for given resource.',
    });
  },
  throttled(o) {
    return problem(
      429,
      {
        title: 'Too Many Requests',
        statusCode: 429,
        status: 429,
        detail: 'Rate limit exceeded. Try again later.',
      },
      retryHeaders(o),
    );
  },
  serverError(status) {
    return problem(status, {
      title: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
      statusCode: status,
      status,
      detail: 'The request could not be processed. Please try again later.',
    });
  },
};
