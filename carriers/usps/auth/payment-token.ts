/**
 * The USPS payment authorization token: labels need `Authorization: Bearer <oauth token>` AND
 * `X-Payment-Authorization-Token: <token>` from POST /payments/v3/payment-authorization, which
 * names the PAYER and LABEL_OWNER roles (CRID, MID, manifest MID, EPS account or permit).
 * Tokens are valid eight hours (payments spec), so the broker caches them like any token.
 */
import type { DerivedTokenSpec, TokenErrorDecoder } from '../../../src/auth/profile.ts';
import { parseUspsErrorBody } from '../mapping/errors.ts';
import { PaymentAuthorization } from '../mapping/wire.ts';

export const PAYMENT_PATH = '/payments/v3/payment-authorization';
export const PAYMENT_HEADER = 'X-Payment-Authorization-Token';
/** "Payment Authorization Tokens are valid for eight hours after issuance" (payments spec). */
export const PAYMENT_TOKEN_LIFETIME_SECONDS = 28_800;

/** The roles body, from non-secret account settings. */
export function paymentRoles(settings: Readonly<Record<string, string>>): Record<string, string>[] {
  const crid = settings.crid ?? '';
  const mid = settings.mid ?? '';
  const manifestMID = settings.manifestMid ?? mid;
  const accountType = settings.accountType ?? 'EPS';
  const payer: Record<string, string> = { roleName: 'PAYER', CRID: crid, MID: mid, manifestMID, accountType };
  if (accountType === 'PERMIT') {
    payer.permitNumber = settings.accountNumber ?? '';
    payer.permitZIP = settings.permitZip ?? '';
  } else {
    payer.accountNumber = settings.accountNumber ?? '';
  }
  return [payer, { roleName: 'LABEL_OWNER', CRID: crid, MID: mid, manifestMID }];
}

/** Lifetime from a JWT's exp - iat (clock-independent), else the documented eight hours. */
function lifetimeOf(token: string): number {
  const payload = token.split('.')[1];
  if (!payload) return PAYMENT_TOKEN_LIFETIME_SECONDS;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as {
      exp?: unknown;
      iat?: unknown;
    };
    if (typeof json.exp === 'number' && typeof json.iat === 'number' && json.exp > json.iat) {
      return Math.min(json.exp - json.iat, PAYMENT_TOKEN_LIFETIME_SECONDS);
    }
  } catch {
    // Not a JWT we can read: the documented lifetime applies.
  }
  return PAYMENT_TOKEN_LIFETIME_SECONDS;
}

/** Payments answers: 400 (e.g. 160218 "<role> requires CRID") means the account settings are wrong. */
const decodePaymentError: TokenErrorDecoder = (answer) => {
  const parsed = parseUspsErrorBody(
    answer.status,
    answer.json,
    answer.text,
    answer.headers.get('content-type'),
  );
  const base = { code: parsed.code, message: parsed.message };
  if (answer.status === 429) return { failureClass: 'throttled', ...base };
  if (answer.status === 401) return { failureClass: 'token_expired', ...base };
  if (answer.status === 400 || answer.status === 403 || answer.status === 404) {
    return { failureClass: 'misconfigured', ...base };
  }
  return undefined;
};

export const paymentToken: DerivedTokenSpec = {
  name: 'payment',
  header: PAYMENT_HEADER,
  buildRequest: ({ primaryToken, settings }) => ({
    path: PAYMENT_PATH,
    method: 'POST',
    headers: {
      Authorization: `Bearer ${primaryToken}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    },
    body: JSON.stringify({ roles: paymentRoles(settings) }),
  }),
  parse: (answer) => {
    if (answer.status < 200 || answer.status >= 300) return undefined;
    const parsed = PaymentAuthorization.safeParse(answer.json);
    if (!parsed.success) return undefined;
    const token = parsed.data.paymentAuthorizationToken;
    return { token, expiresInSeconds: lifetimeOf(token) };
  },
  decodeError: decodePaymentError,
};
