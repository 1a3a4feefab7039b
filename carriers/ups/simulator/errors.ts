/**
 * UPS error answers: {"response":{"errors":[{"code","message"}]}} on the token endpoint and
 * every API (UPS-API/api-documentation@e6f36df `ErrorResponse`), and the AuthErrorRenderer the kit uses for
 * injected faults.
 *
 * Codes with a public source: 250002, 250003, 10429, 111600, 111210, 120100, TV1002, TW0001.
 * Assumed (UPS publishes no list): 10001/10002 for unreadable or schema-invalid bodies (the
 * XML-era codes), the message "Invalid Refresh Token" under 250002 for a spent or unknown
 * refresh token, and the HTTP status as the code of a 5xx.
 */
import type { AuthErrorRenderer, ErrorRenderOptions, TokenErrorKind } from '../../../sandbox/kit/index.ts';

export const SIM_ERRORS = {
  invalidAuthentication: { code: '250002', message: 'Invalid Authentication Information' },
  invalidRefreshToken: { code: '250002', message: 'Invalid Refresh Token' },
  tooManyRequests: { code: '10429', message: 'Too Many Requests' },
  notWellFormed: { code: '10001', message: 'The request body is not well formed' },
  billShipper: { code: '111600', message: 'BillShipper payment method is not valid for this shipment.' },
  serviceUnavailable: {
    code: '111210',
    message: 'The requested service is unavailable between the selected locations.',
  },
  shipperNumber: { code: '120100', message: 'Missing or invalid shipper number' },
  invalidInquiry: { code: 'TV1002', message: 'Invalid inquiry number' },
  trackingNotFound: { code: 'TW0001', message: 'Tracking Information Not Found' },
} as const;

export interface UpsErrorSpec {
  code: string;
  message: string;
}

/** "Missing or invalid <field>" in the schema-invalid shape. */
export const schemaError = (field: string): UpsErrorSpec => ({
  code: '10002',
  message: `Missing or invalid ${field}`,
});

export function upsError(
  status: number,
  errors: UpsErrorSpec | UpsErrorSpec[],
  headers: Record<string, string> = {},
): Response {
  const list = Array.isArray(errors) ? errors : [errors];
  return new Response(
    JSON.stringify({ response: { errors: list.map((e) => ({ code: e.code, message: e.message })) } }),
    {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    },
  );
}

const retryHeaders = (o: ErrorRenderOptions | undefined): Record<string, string> =>
  o?.retryAfterHeader === undefined ? {} : { 'retry-after': o.retryAfterHeader };

const withMessage = (e: UpsErrorSpec, o: ErrorRenderOptions | undefined): UpsErrorSpec =>
  o?.message === undefined ? e : { code: e.code, message: o.message };

export const upsRenderer: AuthErrorRenderer = {
  token(kind: TokenErrorKind, options?: ErrorRenderOptions): Response {
    switch (kind) {
      case 'throttled':
        return upsError(429, withMessage(SIM_ERRORS.tooManyRequests, options), retryHeaders(options));
      case 'server_error': {
        const status = options?.status ?? 503;
        return upsError(status, { code: String(status), message: options?.message ?? 'Service Unavailable' });
      }
      case 'invalid_grant':
        return upsError(401, withMessage(SIM_ERRORS.invalidRefreshToken, options));
      case 'error_body_200':
        // HTTP 200, no token, an error body: uptime checks stay green while nothing works.
        return upsError(200, withMessage(SIM_ERRORS.invalidAuthentication, options));
      case 'unsupported_grant_type':
      case 'invalid_request':
        return upsError(400, withMessage(schemaError('grant_type'), options));
      default:
        // invalid_client, invalid_scope (UPS has no scopes: a product not enabled on the app
        // also answers 250002).
        return upsError(401, withMessage(SIM_ERRORS.invalidAuthentication, options));
    }
  },
  unauthorized: () => upsError(401, SIM_ERRORS.invalidAuthentication),
  throttled: (options) =>
    upsError(429, withMessage(SIM_ERRORS.tooManyRequests, options), retryHeaders(options)),
  serverError: (status) => upsError(status, { code: String(status), message: 'Service Unavailable' }),
};
