/**
 * The credential broker seen from telemetry: its hooks become span events and attributes
 * on the active span (the `auth.credential` span of the caller), token-call metrics and
 * single-flight waiter counts. The hooks receive the ResolvedAccount, which holds secrets:
 * only its carrier id and account id are ever read here.
 */
import { trace } from '@opentelemetry/api';
import type { BrokerHooks, TokenCallEvent } from '../auth/hooks.ts';
import type { ResolvedAccount } from '../config/account.ts';
import { instruments } from './instruments.ts';
import { ATTR, EVENT } from './names.ts';

export interface AuthTelemetry {
  hooks: Required<Pick<BrokerHooks, 'tokenCall' | 'cacheHit' | 'waited' | 'stored'>>;
  /** Credential names seen per carrier account (the token-expiry gauge inspects them). */
  namesOf(carrier: string, account: string): readonly string[];
}

const idsOf = (account: ResolvedAccount) => ({
  [ATTR.carrier]: account.carrier,
  [ATTR.account]: account.id,
});

export function createAuthTelemetry(): AuthTelemetry {
  const names = new Map<string, Set<string>>();
  const remember = (account: ResolvedAccount, name: string) => {
    const key = `${account.carrier}\u0000${account.id}`;
    let set = names.get(key);
    if (set === undefined) {
      set = new Set();
      names.set(key, set);
    }
    set.add(name);
  };

  function tokenCall(event: TokenCallEvent): void {
    const { account, name } = event;
    remember(account, name);
    const labels = {
      ...idsOf(account),
      [ATTR.tokenOutcome]: event.outcome,
      ...(event.failureClass ? { [ATTR.failureClass]: event.failureClass } : {}),
    };
    instruments.tokenRequests().add(1, { ...labels, [ATTR.tokenReason]: event.reason });
    // A refusal of our own (the hourly quota) sent nothing: it is not a refresh duration.
    if (event.reason !== 'quota') instruments.tokenRefreshDuration().record(event.durationMs / 1000, labels);
    const span = trace.getActiveSpan();
    span?.addEvent(EVENT.tokenCall, {
      [ATTR.credentialName]: name,
      [ATTR.tokenReason]: event.reason,
      [ATTR.tokenOutcome]: event.outcome,
      ...(event.failureClass ? { [ATTR.failureClass]: event.failureClass } : {}),
    });
    if (event.failureClass) span?.setAttribute(ATTR.failureClass, event.failureClass);
    // A proactive refresh runs behind a caller that was already served from the cache.
    if (event.reason !== 'proactive' && event.reason !== 'quota')
      span?.setAttribute(ATTR.tokenSource, 'refresh');
  }

  return {
    hooks: {
      tokenCall,
      cacheHit({ account, name }) {
        remember(account, name);
        const span = trace.getActiveSpan();
        span?.addEvent(EVENT.cacheHit, { [ATTR.credentialName]: name });
        span?.setAttribute(ATTR.tokenSource, 'cache');
      },
      waited({ account, name }) {
        remember(account, name);
        instruments.singleFlightWaiters().add(1, idsOf(account));
        const span = trace.getActiveSpan();
        span?.addEvent(EVENT.waited, { [ATTR.credentialName]: name });
        span?.setAttribute(ATTR.tokenSource, 'wait');
      },
      stored({ account, name }) {
        remember(account, name);
      },
    },
    namesOf(carrier, account) {
      return [...(names.get(`${carrier}\u0000${account}`) ?? [])];
    },
  };
}

/** Runs several hook sets side by side (telemetry next to health, tests next to telemetry). */
export function combineHooks(...sets: readonly (BrokerHooks | undefined)[]): BrokerHooks {
  const all = sets.filter((s): s is BrokerHooks => s !== undefined);
  const each =
    <K extends keyof BrokerHooks>(key: K) =>
    (event: Parameters<NonNullable<BrokerHooks[K]>>[0]) => {
      for (const set of all) {
        try {
          (set[key] as ((e: typeof event) => void) | undefined)?.(event);
        } catch {
          // A failing hook must not keep the others from hearing the event.
        }
      }
    };
  return {
    tokenCall: each('tokenCall'),
    cacheHit: each('cacheHit'),
    waited: each('waited'),
    stored: each('stored'),
  };
}
