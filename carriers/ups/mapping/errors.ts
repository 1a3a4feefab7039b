/**
 * UPS error shapes -> unified failure classes.
 * Shapes (UPS-API/api-documentation@e6f36df `ErrorResponse`; the Fault shape: TA2k/ioBroker.parcel#45):
 *  - current: {"response":{"errors":[{"code":"250002","message":"Invalid Authentication Information"}]}}
 *  - legacy SOAP-style fault still sent by some endpoints:
 *    {"Fault":{"faultcode":"Client","faultstring":"...","detail":{"Errors":{"ErrorDetail":{
 *      "Severity":"Authentication","PrimaryErrorCode":{"Code":"250003","Description":"..."}}}}}}
 *  - anything else (HTML error pages, empty bodies) from gateways in front of UPS.
 */
import { z } from '@hono/zod-openapi';
import type { TokenEndpointAnswer, TokenErrorDecoder } from '../../../src/auth/profile.ts';
import type { DecodedError, UpstreamResponse } from '../../../src/carrier/definition.ts';
import type { FailureClass } from '../../../src/domain/failure.ts';
import { parseRetryAfter } from '../../../src/upstream/retry-after.ts';
import { asArray } from './wire.ts';

/** Codes whose meaning is known (UPS-API/api-documentation@e6f36df, UPS-API/java-api-examples@c5ffb9a samples; TW0001 from public UPS track clients). */
export const UPS_CODES = {
  invalidAuthentication: '250002',
  invalidAccessLicense: '250003',
  tooManyRequests: '10429',
  billShipperInvalid: '111600',
  missingShipperNumber: '120100',
  invalidInquiryNumber: 'TV1002',
  trackingNotFound: 'TW0001',
} as const;

const ErrorItem = z.object({ code: z.union([z.string(), z.number()]), message: z.string().optional() });
const CurrentShape = z.object({ response: z.object({ errors: z.array(ErrorItem).min(1) }) });

const LegacyDetail = z.object({
  Severity: z.string().optional(),
  PrimaryErrorCode: z.object({ Code: z.union([z.string(), z.number()]), Description: z.string().optional() }),
});
const LegacyShape = z.object({
  Fault: z.object({
    faultcode: z.string().optional(),
    faultstring: z.string().optional(),
    detail: z
      .object({ Errors: z.object({ ErrorDetail: z.union([LegacyDetail, z.array(LegacyDetail)]) }) })
      .optional(),
  }),
});

export interface UpsErrorItem {
  code: string;
  message: string;
  /** Legacy faults say 'Authentication' for credential problems. */
  severity?: string;
}

/** Every error item of a UPS error body, in either shape; empty when the body is neither. */
export function readUpsErrors(body: unknown): UpsErrorItem[] {
  const current = CurrentShape.safeParse(body);
  if (current.success) {
    return current.data.response.errors.map((e) => ({ code: String(e.code), message: e.message ?? '' }));
  }
  const legacy = LegacyShape.safeParse(body);
  if (legacy.success) {
    const details = asArray(legacy.data.Fault.detail?.Errors.ErrorDetail);
    if (details.length === 0) {
      return [{ code: legacy.data.Fault.faultcode ?? 'Fault', message: legacy.data.Fault.faultstring ?? '' }];
    }
    return details.map((d) => ({
      code: String(d.PrimaryErrorCode.Code),
      message: d.PrimaryErrorCode.Description ?? legacy.data.Fault.faultstring ?? '',
      ...(d.Severity === undefined ? {} : { severity: d.Severity }),
    }));
  }
  return [];
}

/** Trims a carrier message to one printable line (it ends up in API answers). */
function clean(message: string, fallback: string): string {
  const line = message.replace(/\s+/g, ' ').trim().slice(0, 300);
  return line.length > 0 ? line : fallback;
}

const isRefreshTokenRefusal = (item: UpsErrorItem): boolean => /refresh[ _-]?token/i.test(item.message);

/** Decodes an API answer with status >= 400. */
export function decodeApiError(res: UpstreamResponse): DecodedError {
  const items = readUpsErrors(res.json());
  const first = items[0];
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const codes = new Set(items.map((i) => i.code));

  if (res.status === 429 || codes.has(UPS_CODES.tooManyRequests)) {
    return {
      failureClass: 'throttled',
      code: first?.code ?? UPS_CODES.tooManyRequests,
      message: clean(first?.message ?? '', 'UPS rate limit exceeded'),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (res.status >= 500 || !first) {
    return {
      failureClass: 'unavailable',
      code: first?.code ?? `HTTP_${res.status}`,
      message: clean(first?.message ?? '', `UPS answered HTTP ${res.status} without a UPS error body`),
    };
  }
  if (codes.has(UPS_CODES.invalidAccessLicense)) {
    // 250003 "Invalid Access License number", whatever the status (UPS sends it on 401 too):
    // the application is set up wrong, and a fresh token would be refused the same way.
    const item = items.find((i) => i.code === UPS_CODES.invalidAccessLicense) ?? first;
    return {
      failureClass: 'misconfigured',
      code: item.code,
      message: clean(item.message, 'Invalid Access License number'),
      auth: true,
    };
  }
  if (res.status === 401) {
    // A bearer token UPS refused although the gateway believed it valid: one forced refresh.
    return {
      failureClass: 'token_expired',
      code: first.code,
      message: clean(first.message, 'Unauthorized'),
      auth: true,
    };
  }
  if (res.status === 403 || first.severity === 'Authentication') {
    // "Blocked Merchant", an API product not enabled on the app.
    return {
      failureClass: 'misconfigured',
      code: first.code,
      message: clean(first.message, 'Forbidden'),
      auth: true,
    };
  }
  return {
    failureClass: 'rejected',
    code: first.code,
    message: clean(first.message, 'UPS refused the request'),
  };
}

/**
 * Token endpoint answers (/security/v1/oauth/token and /refresh). UPS does not use RFC 6749
 * error bodies, so the generic OAuth rules cannot classify them.
 */
export const decodeTokenError: TokenErrorDecoder = (answer: TokenEndpointAnswer) => {
  const items = readUpsErrors(answer.json);
  const first = items[0];
  const codes = new Set(items.map((i) => i.code));
  const verdict = (failureClass: FailureClass, fallback: string) => ({
    failureClass,
    code: first?.code ?? `HTTP_${answer.status}`,
    message: clean(first?.message ?? '', fallback),
  });

  if (answer.status < 400) {
    // HTTP 200 carrying an error body: never a token, never overwrite stored credentials.
    return first ? verdict('malformed', 'UPS token answer carried an error') : undefined;
  }
  if (answer.status === 429 || codes.has(UPS_CODES.tooManyRequests)) {
    return verdict('throttled', 'UPS token quota exceeded');
  }
  // Not a UPS body (HTML page, RFC 6749 JSON from a proxy): the generic OAuth rules decide.
  if (!first) return undefined;
  if (answer.status >= 500)
    return verdict('unavailable', `UPS token endpoint answered HTTP ${answer.status}`);
  // UPS publishes no distinct code for a dead refresh token; its message names the refresh token.
  if (items.some(isRefreshTokenRefusal)) return verdict('revoked', 'UPS refused the refresh token');
  return verdict('misconfigured', 'UPS refused the client credentials');
};
