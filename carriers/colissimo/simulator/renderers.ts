/**
 * Error renderers in the two wire shapes this carrier has: Colissimo SLS
 * (`{"messages":[{id,type,messageContent,replacementValues}]}`) and the La Poste Okapi
 * gateway (Suivi `returnCode` bodies, `TOO_MANY_REQUESTS` quota body, bodiless 401).
 */
import type { AuthErrorRenderer, ErrorRenderOptions, TokenErrorKind } from '../../../sandbox/kit/types.ts';
import { slsErrorBody, slsMultipart } from './sls-wire.ts';

const SLS_JSON = 'application/json;charset=UTF-8';

export function slsJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': SLS_JSON, ...headers } });
}

/** The recorded bad-credentials answer: code 30000 wrapped in the multipart envelope (karrio fixture). */
export function slsBadCredentials(): Response {
  const { bytes, contentType } = slsMultipart(slsErrorBody('30000', 'Identifiant ou mot de passe incorrect'));
  // The status of that answer is not recorded; 400 is the status of every recorded SLS error.
  return new Response(bytes, { status: 400, headers: { 'content-type': contentType } });
}

function retryHeaders(options: ErrorRenderOptions): Record<string, string> {
  return options.retryAfterHeader === undefined ? {} : { 'retry-after': options.retryAfterHeader };
}

/** Apache in front of the SLS service answers 5xx with its own page. */
function apacheError(status: number): Response {
  const body = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n</body></html>\n`;
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=iso-8859-1' } });
}

export const slsRenderer: AuthErrorRenderer = {
  // Colissimo has no token endpoint; a token-shaped failure is the credential refusal.
  token(kind: TokenErrorKind, options?: ErrorRenderOptions): Response {
    if (kind === 'throttled') return slsRenderer.throttled(options ?? {});
    if (kind === 'server_error') return apacheError(options?.status ?? 503);
    return slsBadCredentials();
  },
  unauthorized: slsBadCredentials,
  throttled(options: ErrorRenderOptions): Response {
    // No throttle body is documented for SLS: a 429 with the SLS message shape.
    return slsJson(429, slsErrorBody('429', options.message ?? 'Trop de requêtes'), retryHeaders(options));
  },
  serverError: apacheError,
};

const OKAPI_JSON = 'application/json';

export function okapiJson(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': OKAPI_JSON, ...headers } });
}

export const okapiRenderer: AuthErrorRenderer = {
  token(kind: TokenErrorKind, options?: ErrorRenderOptions): Response {
    if (kind === 'throttled') return okapiRenderer.throttled(options ?? {});
    if (kind === 'server_error') return okapiRenderer.serverError(options?.status ?? 503);
    return okapiRenderer.unauthorized();
  },
  // The spec documents 401 "HMAC verification failed" with a JSON content type and no body.
  unauthorized: () => new Response(null, { status: 401, headers: { 'content-type': OKAPI_JSON } }),
  throttled(options: ErrorRenderOptions): Response {
    return okapiJson(
      429,
      { code: 'TOO_MANY_REQUESTS', message: options.message ?? 'max quota reached (100 calls per 1s)' },
      retryHeaders(options),
    );
  },
  serverError(status: number): Response {
    return okapiJson(status, { code: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' });
  },
};
