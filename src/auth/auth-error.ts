/** Builds the broker's CarrierErrors: classified, auth, nothing sent, and a message with no secret. */
import type { ResolvedAccount } from '../config/account.ts';
import { CarrierError, type FailureClass } from '../domain/failure.ts';
import type { Classification } from './classify.ts';

/** Errors the broker made itself (as opposed to a breaker's refusal, surfaced as is). */
const own = new WeakSet<CarrierError>();

export function isOwnAuthError(e: unknown): e is CarrierError {
  return e instanceof CarrierError && own.has(e);
}

/** True when `text` contains one of the account's secret values (a server echoing what it was sent). */
export function mentionsSecret(account: ResolvedAccount, text: string | undefined): boolean {
  if (text === undefined) return false;
  return Object.values(account.secrets).some((secret) => secret.length >= 4 && text.includes(secret));
}

export function authError(
  account: ResolvedAccount,
  name: string,
  c: Classification,
  overrides: { failureClass?: FailureClass; retryAfterMs?: number | undefined; localRefusal?: boolean } = {},
): CarrierError {
  const failureClass = overrides.failureClass ?? c.failureClass;
  // Codes come from the server; one that echoes a secret is dropped rather than repeated.
  const code = mentionsSecret(account, c.code) ? undefined : c.code;
  const codePart = code === undefined ? '' : ` (${code})`;
  // The carrier's own words help the operator most; a text echoing a secret is dropped whole.
  const said =
    c.carrierText === undefined || mentionsSecret(account, c.carrierText) ? '' : `: ${c.carrierText}`;
  const error = new CarrierError({
    carrier: account.carrier,
    account: account.id,
    failureClass,
    outcome: 'not_sent',
    auth: true,
    code,
    status: c.status,
    retryAfterMs: overrides.retryAfterMs ?? c.retryAfterMs,
    localRefusal: overrides.localRefusal,
    message: `${account.carrier}/${account.id} ${name} credential: ${failureClass}: ${c.reason}${codePart}${said}`,
  });
  own.add(error);
  return error;
}

export function misconfigured(
  account: ResolvedAccount,
  name: string,
  reason: string,
  code?: string,
): CarrierError {
  return authError(account, name, { failureClass: 'misconfigured', reason, code });
}

/**
 * A copy of a cooldown's error with the time left, so each caller sees an accurate retryAfterMs.
 * The cooldown answers from memory: this caller sent the carrier nothing (a local refusal).
 */
export function withRetryAfter(error: CarrierError, retryAfterMs: number): CarrierError {
  const copy = new CarrierError({
    carrier: error.carrier,
    account: error.account,
    failureClass: error.failureClass,
    outcome: error.outcome,
    auth: error.auth,
    code: error.code,
    status: error.status,
    retryAfterMs,
    localRefusal: true,
    message: error.message,
  });
  own.add(copy);
  return copy;
}
