/** What the gateway's operations share. */
import { CarrierError } from '../domain/failure.ts';
import type { BreakerBoard } from '../resilience/board.ts';
import type { FailoverBudget } from '../resilience/budget.ts';
import type { UpstreamClient } from '../upstream/client.ts';
import type { CarrierDirectory } from './directory.ts';

export interface GatewayCore {
  directory: CarrierDirectory;
  upstream: UpstreamClient;
  board: BreakerBoard;
  budget: FailoverBudget;
  now: () => number;
}

/**
 * Why an account may not be tried now (a breaker does not admit calls), as the classified
 * error a caller would get; undefined when it may be tried.
 */
export function blockedByBreaker(
  core: GatewayCore,
  carrier: string,
  account: string,
): CarrierError | undefined {
  if (core.board.admits(carrier, account)) return undefined;
  const breakers = core.board.for(carrier, account);
  const open = breakers.auth.admits ? breakers.api : breakers.auth;
  const last = open.lastFailure;
  return new CarrierError({
    carrier,
    account,
    failureClass: last?.failureClass ?? 'unavailable',
    outcome: 'not_sent',
    message: `the ${open === breakers.auth ? 'auth' : 'API'} circuit breaker is ${open.state.replace('_', '-')}${last ? ` after ${last.failureClass} failures` : ''}`,
    code: 'breaker_open',
    // When the breaker lets a call through again (or the carrier's Retry-After, if later).
    retryAfterMs: open.retryAfterMs,
    auth: open === breakers.auth,
  });
}

/**
 * Retry-After for an all-carriers-unavailable answer: the soonest time a carrier said or a
 * breaker allows; when nobody knows, the failover budget's slot (a short, load-safe pause).
 */
export function soonestRetryMs(core: GatewayCore, known: readonly (number | undefined)[]): number {
  const values = known.filter((ms): ms is number => ms !== undefined && Number.isFinite(ms) && ms >= 0);
  return values.length ? Math.min(...values) : core.budget.retryAfterMs;
}
