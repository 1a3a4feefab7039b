/** How health hears the live traffic: the ledger subscribes to the event stream. */
import type { EventBus } from '../events/bus.ts';
import type { Ledger } from './ledger.ts';

/** Feeds `ledger` from `bus`; returns the unsubscription. */
export function feedLedger(bus: EventBus, ledger: Ledger): () => void {
  return bus.subscribe((event) => {
    switch (event.type) {
      case 'token.call':
        ledger.tokenCall(event);
        return;
      case 'token.cache_hit':
        ledger.used(event.carrier, event.account);
        return;
      case 'token.stored':
        ledger.stored(event.carrier, event.account, event.name, event.expiresAt);
        return;
      case 'exchange':
        ledger.exchange(event.carrier, event.account, {
          operation: event.operation,
          status: event.status,
          failureClass: event.failureClass,
          code: event.code,
          retryAfterMs: event.retryAfterMs,
          resendCount: event.resendCount,
        });
        return;
      case 'credentials.dropped':
        // An operator dropped tokens: the next replacement is not an early death.
        ledger.tokensDropped(event.carrier, event.account);
        return;
      default:
        return;
    }
  });
}
