/**
 * The ROPC token endpoint's failures -> failure class. The spec documents 400/401/403 with
 * descriptions only; answers are OAuth-style `{error, error_description}` or the gateway's
 * `{title, status|statusCode, detail}`. With a password grant there is no refresh token, so
 * `invalid_grant` means the portal user or password was refused: a configuration problem,
 * never a revoked grant or a refresh race.
 */
import type { TokenEndpointAnswer, TokenErrorDecoder } from '../../../src/auth/profile.ts';
import type { FailureClass } from '../../../src/domain/failure.ts';

const OAUTH_CLASS: Record<string, FailureClass> = {
  invalid_client: 'misconfigured',
  unauthorized_client: 'misconfigured',
  invalid_grant: 'misconfigured',
  invalid_scope: 'misconfigured',
  unsupported_grant_type: 'misconfigured',
  invalid_request: 'misconfigured',
  access_denied: 'misconfigured',
  temporarily_unavailable: 'unavailable',
  server_error: 'unavailable',
  slow_down: 'throttled',
};

const MESSAGES: Record<string, string> = {
  invalid_client: 'DHL refused the API key or its secret',
  invalid_grant: 'DHL refused the business-portal username or password',
};

function record(json: unknown): Record<string, unknown> | undefined {
  return json && typeof json === 'object' && !Array.isArray(json)
    ? (json as Record<string, unknown>)
    : undefined;
}

export const decodeTokenError: TokenErrorDecoder = (answer: TokenEndpointAnswer) => {
  const body = record(answer.json);
  const error = typeof body?.error === 'string' ? body.error : undefined;
  const description = typeof body?.error_description === 'string' ? body.error_description : undefined;
  if (error) {
    const failureClass = answer.status === 429 ? 'throttled' : (OAUTH_CLASS[error] ?? 'misconfigured');
    // An error body on HTTP 200 never carries a token: malformed, whatever the error says.
    if (answer.status < 400)
      return { failureClass: 'malformed', code: error, message: `token answer HTTP 200 with error ${error}` };
    return {
      failureClass,
      code: error,
      // DHL's own words first; the gateway's explanation when it gave none.
      message: description ?? MESSAGES[error] ?? `DHL token endpoint refused the grant (${error})`,
    };
  }
  if (answer.status < 400) return undefined;
  if (answer.status === 429)
    return { failureClass: 'throttled', code: '429', message: 'DHL token endpoint throttled the call' };
  if (answer.status >= 500 || !body) {
    return {
      failureClass: 'unavailable',
      code: String(answer.status),
      message: `DHL token endpoint answered HTTP ${answer.status}`,
    };
  }
  // 400/401/403 in the gateway's status shape: the client or user is not accepted.
  const detail = typeof body.detail === 'string' ? body.detail : undefined;
  const title = typeof body.title === 'string' ? body.title : `HTTP ${answer.status}`;
  return {
    failureClass: 'misconfigured',
    code: String(answer.status),
    message: detail ? `${title}: ${detail}` : title,
  };
};
