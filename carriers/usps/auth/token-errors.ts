/**
 * USPS token-endpoint errors (POST /oauth2/v3/token). The endpoint speaks RFC 6749
 * (`{"error":"invalid_client","error_description":"Client authentication failed."}`), which the
 * broker's generic rules classify; this decoder adds what is USPS-specific: the 60-calls-an-hour
 * quota answered 429 (in the USPS ErrorMessage shape) and gateway refusals in that shape.
 */
import type { TokenEndpointAnswer, TokenErrorDecoder } from '../../../src/auth/profile.ts';
import { parseUspsErrorBody } from '../mapping/errors.ts';

/** RFC 6749 codes that mean the client itself is set up wrong: no retry can help. */
const MISCONFIGURED_OAUTH = new Set([
  'invalid_client',
  'invalid_scope',
  'unsupported_grant_type',
  'unauthorized_client',
  'invalid_request',
]);

export const decodeTokenError: TokenErrorDecoder = (answer: TokenEndpointAnswer) => {
  const parsed = parseUspsErrorBody(
    answer.status,
    answer.json,
    answer.text,
    answer.headers.get('content-type'),
  );
  const base = { code: parsed.code, message: parsed.message };
  if (answer.status === 429 || parsed.code === 'TOO_MANY_REQUESTS')
    return { failureClass: 'throttled', ...base };
  // invalid_grant needs the broker's store check (refresh_race vs revoked); 2xx, 5xx and HTML
  // follow the generic rules too.
  if (answer.status < 400 || answer.status >= 500 || parsed.shape === 'html' || parsed.shape === 'other') {
    return undefined;
  }
  if (parsed.shape === 'oauth') {
    return MISCONFIGURED_OAUTH.has(parsed.code) ? { failureClass: 'misconfigured', ...base } : undefined;
  }
  // The USPS ErrorMessage shape on the token path: the API gateway refused the application.
  return { failureClass: 'misconfigured', ...base };
};
