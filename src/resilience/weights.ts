/**
 * How much each auth failure class counts towards opening the auth breaker. Throttling is
 * the carrier asking us to slow down, not proof the credential is broken, so it counts
 * once; a revoked or misconfigured credential will not heal by itself, so it counts twice
 * and trips the breaker in half the calls. A refresh race that was recovered is a success.
 */
import type { FailureClass } from '../domain/failure.ts';

export const AUTH_FAILURE_WEIGHTS: Readonly<Record<FailureClass, number>> = {
  throttled: 1,
  unavailable: 1,
  malformed: 1,
  token_expired: 1,
  refresh_race: 1,
  revoked: 2,
  misconfigured: 2,
  // A carrier refusing the request's content is the caller's business, never the credential's.
  rejected: 0,
};

/**
 * Revoked or misconfigured credentials will not heal by themselves: this many in a row open
 * the auth breaker at once, without waiting for the rolling window's percentage (which, at
 * high traffic, still holds many seconds of earlier successes).
 */
export const NON_HEALING_TRIP = {
  classes: new Set<FailureClass>(['revoked', 'misconfigured']),
  count: 3,
} as const;
