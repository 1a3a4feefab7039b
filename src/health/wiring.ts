/** How the monitor hears the live traffic: broker hooks and an upstream observer over its ledger. */
import type { BrokerHooks } from '../auth/hooks.ts';
import type { UpstreamObserver } from '../upstream/client.ts';
import type { Ledger } from './ledger.ts';

/** Calls every given hook set (telemetry and health both listen to the broker). */
export function combineHooks(...sets: (BrokerHooks | undefined)[]): BrokerHooks {
  const all = sets.filter((s): s is BrokerHooks => s !== undefined);
  return {
    tokenCall: (e) => {
      for (const s of all) s.tokenCall?.(e);
    },
    cacheHit: (e) => {
      for (const s of all) s.cacheHit?.(e);
    },
    waited: (e) => {
      for (const s of all) s.waited?.(e);
    },
    stored: (e) => {
      for (const s of all) s.stored?.(e);
    },
  };
}

export function ledgerHooks(ledger: Ledger): BrokerHooks {
  return {
    tokenCall: (e) => ledger.tokenCall(e.account.carrier, e.account.id, 'live', e),
    cacheHit: (e) => ledger.used(e.account.carrier, e.account.id),
    stored: (e) => ledger.stored(e.account.carrier, e.account.id, e.name, e.expiresAt),
  };
}

export function ledgerObserver(ledger: Ledger): UpstreamObserver {
  return {
    exchange: (e) =>
      ledger.exchange(e.carrier, e.account, {
        operation: e.operation,
        status: e.status,
        failureClass: e.error?.failureClass,
        code: e.error?.code,
        retryAfterMs: e.error?.retryAfterMs,
        resendCount: e.resendCount,
      }),
  };
}
