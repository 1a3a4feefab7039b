/**
 * The credential broker seen from telemetry: its events become span events and attributes
 * on the active span (the `auth.credential` span of the caller), token-call metrics and
 * single-flight waiter counts. Events carry ids only: no secret can reach a span or label.
 */
import { trace } from '@opentelemetry/api';
import type { EventBus } from '../events/bus.ts';
import type { AccountRef, GatewayEvent, TokenCallEvent } from '../events/types.ts';
import { instruments } from './instruments.ts';
import { ATTR, EVENT } from './names.ts';

export interface AuthTelemetry {
  /** Credential names seen per carrier account (the token-expiry gauge inspects them). */
  namesOf(carrier: string, account: string): readonly string[];
  /** Stops listening. */
  stop(): void;
}

const idsOf = (ref: AccountRef) => ({ [ATTR.carrier]: ref.carrier, [ATTR.account]: ref.account });

function tokenCall(event: TokenCallEvent): void {
  const labels = {
    ...idsOf(event),
    [ATTR.tokenOutcome]: event.outcome,
    ...(event.failureClass ? { [ATTR.failureClass]: event.failureClass } : {}),
  };
  instruments.tokenRequests().add(1, { ...labels, [ATTR.tokenReason]: event.reason });
  // A refusal of our own (the hourly quota) sent nothing: it is not a refresh duration.
  if (event.reason !== 'quota') instruments.tokenRefreshDuration().record(event.durationMs / 1000, labels);
  const span = trace.getActiveSpan();
  span?.addEvent(EVENT.tokenCall, {
    [ATTR.credentialName]: event.name,
    [ATTR.tokenReason]: event.reason,
    [ATTR.tokenOutcome]: event.outcome,
    ...(event.failureClass ? { [ATTR.failureClass]: event.failureClass } : {}),
  });
  if (event.failureClass) span?.setAttribute(ATTR.failureClass, event.failureClass);
  // A proactive refresh runs behind a caller that was already served from the cache.
  if (event.reason !== 'proactive' && event.reason !== 'quota')
    span?.setAttribute(ATTR.tokenSource, 'refresh');
}

export function subscribeAuthTelemetry(bus: EventBus): AuthTelemetry {
  // By carrier, then account: a cache hit per request builds no key string.
  const names = new Map<string, Map<string, Set<string>>>();
  const remember = (ref: AccountRef, name: string) => {
    let accounts = names.get(ref.carrier);
    if (accounts === undefined) {
      accounts = new Map();
      names.set(ref.carrier, accounts);
    }
    let set = accounts.get(ref.account);
    if (set === undefined) {
      set = new Set();
      accounts.set(ref.account, set);
    }
    set.add(name);
  };

  const stop = bus.subscribe((event: GatewayEvent) => {
    switch (event.type) {
      case 'token.call':
        remember(event, event.name);
        // A probe's own token calls are health data, not the live broker's traffic.
        if (event.source === 'live') tokenCall(event);
        return;
      case 'token.cache_hit': {
        remember(event, event.name);
        if (event.spanless) return;
        const span = trace.getActiveSpan();
        span?.addEvent(EVENT.cacheHit, { [ATTR.credentialName]: event.name });
        span?.setAttribute(ATTR.tokenSource, 'cache');
        return;
      }
      case 'token.waited': {
        remember(event, event.name);
        instruments.singleFlightWaiters().add(1, idsOf(event));
        const span = trace.getActiveSpan();
        span?.addEvent(EVENT.waited, { [ATTR.credentialName]: event.name });
        span?.setAttribute(ATTR.tokenSource, 'wait');
        return;
      }
      case 'token.stored':
        remember(event, event.name);
        return;
      default:
        return;
    }
  });
  return {
    namesOf(carrier, account) {
      return [...(names.get(carrier)?.get(account) ?? [])];
    },
    stop,
  };
}
