/** Auth errors in the shapes of RFC 6749 section 5.2 and RFC 6750 section 3. */
import type { AuthErrorRenderer, ErrorRenderOptions, TokenErrorKind } from '../types.ts';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });

const retryHeaders = (options: ErrorRenderOptions | undefined): Record<string, string> =>
  options?.retryAfterHeader === undefined ? {} : { 'retry-after': options.retryAfterHeader };

const DESCRIPTIONS: Record<TokenErrorKind, string> = {
  invalid_client: 'Client authentication failed',
  invalid_grant: 'The provided authorization grant or refresh token is invalid, expired or revoked',
  invalid_scope: 'The requested scope is invalid, unknown or exceeds what the client may have',
  unsupported_grant_type: 'The authorization grant type is not supported',
  invalid_request: 'The request is missing a required parameter or is otherwise malformed',
  throttled: 'Too many requests',
  server_error: 'The authorization server is temporarily unavailable',
  error_body_200: 'Client authentication failed',
};

export function rfc6749Renderer(options: { realm?: string } = {}): AuthErrorRenderer {
  const realm = options.realm ?? 'sandbox';
  return {
    token(kind, opts) {
      const error_description = opts?.message ?? DESCRIPTIONS[kind];
      switch (kind) {
        case 'invalid_client':
          return json(
            401,
            { error: kind, error_description },
            { 'www-authenticate': `Basic realm="${realm}"` },
          );
        case 'throttled':
          return json(429, { error: 'slow_down', error_description }, retryHeaders(opts));
        case 'server_error': {
          const status = opts?.status ?? 503;
          const error = status === 503 ? 'temporarily_unavailable' : 'server_error';
          return json(status, { error, error_description });
        }
        case 'error_body_200':
          return json(200, { error: 'invalid_client', error_description });
        default:
          return json(400, { error: kind, error_description });
      }
    },
    unauthorized() {
      return json(
        401,
        { error: 'invalid_token', error_description: 'The access token is missing, expired or revoked' },
        {
          'www-authenticate': `Bearer realm="${realm}", error="invalid_token", error_description="The access token is missing, expired or revoked"`,
        },
      );
    },
    throttled(opts) {
      return json(429, { error: 'rate_limited', error_description: 'Too many requests' }, retryHeaders(opts));
    },
    serverError(status) {
      return json(status, { error: 'server_error', error_description: 'Internal error' });
    },
  };
}
