/**
 * USPS error answers as the simulator sends them: the APIs' ErrorMessage shape
 * (`{"apiVersion","error":{"code","message","errors":[...]}}`) and, on /oauth2/v3/token,
 * RFC 6749 bodies (karrioapi/karrio@deea10f85 usps tests `AuthErrorResponse`).
 */
import type { AuthErrorRenderer, ErrorRenderOptions, TokenErrorKind } from '../../../sandbox/kit/index.ts';

export interface ErrorItem {
  code: string;
  detail: string;
  title?: string;
  parameter?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
const titleOf = (status: number): string => TITLES[status] ?? 'Error';

export function errorBody(
  apiVersion: string,
  status: number,
  items: ErrorItem[] = [],
): Record<string, unknown> {
  const error: Record<string, unknown> = { code: String(status), message: titleOf(status) };
  if (items.length) {
    error.errors = items.map((i) => ({
      status: String(status),
      code: i.code,
      title: i.title ?? titleOf(status),
      detail: i.detail,
      ...(i.parameter ? { source: { parameter: i.parameter } } : {}),
    }));
  }
  return { apiVersion, error };
}

export function errorResponse(
  apiVersion: string,
  status: number,
  items: ErrorItem[] = [],
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(errorBody(apiVersion, status, items)), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const retryHeaders = (options: ErrorRenderOptions | undefined): Record<string, string> =>
  options?.retryAfterHeader === undefined ? {} : { 'retry-after': options.retryAfterHeader };

export function throttledResponse(
  apiVersion: string,
  options: ErrorRenderOptions | undefined,
  detail: string,
): Response {
  return errorResponse(apiVersion, 429, [{ code: 'TOO_MANY_REQUESTS', detail }], retryHeaders(options));
}

const oauth = (status: number, error: string, error_description: string): Response =>
  new Response(
    JSON.stringify({
      error,
      error_description,
      error_uri: 'https://datatracker.ietf.org/doc/html/rfc6749#page-45',
    }),
    { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } },
  );

const OAUTH_TEXT: Record<TokenErrorKind, string> = {
  invalid_client: 'Client authentication failed.',
  invalid_grant: 'The provided authorization grant or refresh token is invalid, expired or revoked.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  invalid_request: 'The request is missing a required parameter.',
  throttled: 'Quota of 60 calls per hour exceeded.',
  server_error: 'The server is temporarily unavailable.',
  error_body_200: 'Client authentication failed.',
};

/** The renderer for one USPS API (apiVersion such as '/labels/v3'); token errors use OAuth shapes. */
export function uspsRenderer(apiVersion: string): AuthErrorRenderer {
  return {
    token(kind, options) {
      const text = options?.message ?? OAUTH_TEXT[kind];
      switch (kind) {
        case 'invalid_client':
          return oauth(401, kind, text);
        case 'throttled':
          return throttledResponse('/oauth2/v3', options, text);
        case 'server_error':
          return errorResponse('/oauth2/v3', options?.status ?? 503);
        case 'error_body_200':
          return oauth(200, 'invalid_client', text);
        default:
          return oauth(400, kind, text);
      }
    },
    unauthorized() {
      return errorResponse(
        apiVersion,
        401,
        [{ code: 'UNAUTHORIZED', detail: 'The access token is missing, invalid or expired.' }],
        { 'www-authenticate': 'Bearer realm="https://api.usps.com"' },
      );
    },
    throttled(options) {
      return throttledResponse(apiVersion, options, 'Too many requests have been received from the client.');
    },
    serverError(status) {
      return errorResponse(apiVersion, status);
    },
  };
}
