/**
 * Auth and availability errors in FedEx's shape. FedEx has no RFC 6749 error bodies: the token
 * endpoint answers like every other API, `{"transactionId","errors":[{"code","message"}]}`.
 */
import type { AuthErrorRenderer, ErrorRenderOptions } from '../../../sandbox/kit/index.ts';
import { errorResponse, MESSAGES } from './wire.ts';

const retryHeaders = (options: ErrorRenderOptions | undefined): Record<string, string> =>
  options?.retryAfterHeader === undefined ? {} : { 'retry-after': options.retryAfterHeader };

function serverError(status: number, message?: string): Response {
  return status === 503
    ? errorResponse(503, [{ code: 'SERVICE.UNAVAILABLE.ERROR', message: message ?? MESSAGES.unavailable }])
    : errorResponse(status, [{ code: 'INTERNAL.SERVER.ERROR', message: message ?? MESSAGES.internal }]);
}

function throttled(options: ErrorRenderOptions | undefined): Response {
  // params.message may carry the daily-quota wording ("Retry after 12:00AM GMT").
  return errorResponse(
    429,
    [{ code: 'TOO.MANY.REQUESTS', message: options?.message ?? MESSAGES.tooMany }],
    retryHeaders(options),
  );
}

export const fedexRenderer: AuthErrorRenderer = {
  token(kind, options) {
    switch (kind) {
      // FedEx has one refusal for bad, unknown or revoked client credentials (no grants to revoke).
      case 'invalid_client':
      case 'invalid_grant':
        return errorResponse(401, [
          { code: 'NOT.AUTHORIZED.ERROR', message: options?.message ?? MESSAGES.credentials },
        ]);
      case 'invalid_scope':
        return errorResponse(403, [
          { code: 'FORBIDDEN.ERROR', message: options?.message ?? MESSAGES.forbidden },
        ]);
      case 'unsupported_grant_type':
      case 'invalid_request':
        return errorResponse(400, [
          { code: 'BAD.REQUEST.ERROR', message: options?.message ?? MESSAGES.badRequest },
        ]);
      case 'throttled':
        return throttled(options);
      case 'server_error':
        return serverError(options?.status ?? 503, options?.message);
      case 'error_body_200':
        return errorResponse(200, [
          { code: 'NOT.AUTHORIZED.ERROR', message: options?.message ?? MESSAGES.credentials },
        ]);
    }
  },
  unauthorized() {
    return errorResponse(401, [{ code: 'NOT.AUTHORIZED.ERROR', message: MESSAGES.tokenExpired }]);
  },
  throttled,
  serverError: (status) => serverError(status),
};
