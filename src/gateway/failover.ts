/**
 * The one failover loop, for rates and labels: try each candidate in order, go straight past
 * one whose breaker is open (not a retry: nothing is sent), spend the failover budget only on
 * a real retry, and after each failure ask the operation's own safety rule whether the next
 * candidate may be tried (a label never is once the carrier may have created one).
 */
import type { CarrierDefinition } from '../carrier/definition.ts';
import type { ResolvedAccount } from '../config/account.ts';
import type { RoutingLog } from './attempts.ts';
import { blockedByBreaker, type GatewayCore } from './core.ts';

export interface FailoverCandidate {
  carrier: CarrierDefinition;
  account: ResolvedAccount;
}

export interface FailoverPlan<C extends FailoverCandidate, T> {
  core: GatewayCore;
  routing: RoutingLog;
  /** In order; may be lazy (a fallback is looked at only once the ones before it failed). */
  candidates: Iterable<C>;
  attempt(candidate: C): Promise<T>;
  /** The operation's safety rule after a failed attempt: throws to stop the chain with its own answer. */
  afterFailure(error: unknown, candidate: C): void;
}

export interface FailoverResult<C extends FailoverCandidate, T> {
  served?: { candidate: C; result: T } | undefined;
  /** Every failure, in order: breaker refusals and failed attempts. */
  failures: { carrier: string; error: unknown }[];
  /** The chain stopped because the failover budget was spent. */
  budgetSpent: boolean;
}

export async function runFailover<C extends FailoverCandidate, T>(
  plan: FailoverPlan<C, T>,
): Promise<FailoverResult<C, T>> {
  const { core, routing } = plan;
  const failures: { carrier: string; error: unknown }[] = [];
  for (const candidate of plan.candidates) {
    const { carrier, account } = candidate;
    const blocked = blockedByBreaker(core, carrier.id, account.id);
    if (blocked) {
      routing.skip(carrier.id, account.id, blocked.message, blocked.failureClass);
      failures.push({ carrier: carrier.id, error: blocked });
      continue;
    }
    if (routing.retrying() && !core.budget.trySpend()) {
      routing.skip(carrier.id, account.id, 'failover budget spent');
      return { failures, budgetSpent: true };
    }
    try {
      const result = await routing.attempt(carrier.id, account.id, () => plan.attempt(candidate));
      return { served: { candidate, result }, failures, budgetSpent: false };
    } catch (error) {
      plan.afterFailure(error, candidate);
      failures.push({ carrier: carrier.id, error });
    }
  }
  return { failures, budgetSpent: false };
}
