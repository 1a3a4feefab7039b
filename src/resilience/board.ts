/**
 * The breakers of every carrier account: an auth breaker (credential acquisition and
 * use-time refusals) and a separate API breaker (5xx, timeouts, connection errors).
 */
import type { BreakerView } from '../domain/carriers-view.ts';
import { isCarrierError } from '../domain/failure.ts';
import { type EventSink, silentEvents } from '../events/bus.ts';
import type { BreakerKind } from '../events/types.ts';
import { ClassifiedBreaker } from './breaker.ts';
import type { BreakerDrive } from './call-driven.ts';
import type { CarrierPolicy } from './settings.ts';
import { AUTH_FAILURE_WEIGHTS, NON_HEALING_TRIP } from './weights.ts';

export type { BreakerKind } from '../events/types.ts';

export interface AccountBreakers {
  auth: ClassifiedBreaker;
  api: ClassifiedBreaker;
}

export interface BreakerBoard {
  for(carrier: string, account: string): AccountBreakers;
  /** Whether a request may be sent to this account now (both breakers admit it). */
  admits(carrier: string, account: string): boolean;
  view(carrier: string, account: string): { auth: BreakerView; api: BreakerView };
  shutdown(): void;
}

const authWeight = (error: unknown): number =>
  isCarrierError(error) && error.auth ? AUTH_FAILURE_WEIGHTS[error.failureClass] : 0;

/** Only the carrier being down counts: its refusals, throttling and our auth are other stories. */
const apiWeight = (error: unknown): number =>
  isCarrierError(error) && !error.auth && error.failureClass === 'unavailable' ? 1 : 0;

export interface BreakerBoardOptions {
  /** Several instances: may this one send the auth breaker's half-open probe? (breaker-sync.ts) */
  probePermit?(carrier: string, account: string): Promise<boolean>;
  /** 'calls' on runtimes whose timers die with the request (Workers): see call-driven.ts. */
  drive?: BreakerDrive;
  /** The breakers' clock (openings, reset periods, windows); tests drive it with 'calls'. */
  now?: () => number;
  /** Where every state change is announced ('breaker.changed'). */
  events?: EventSink;
}

export function createBreakerBoard(
  policyOf: (carrier: string) => CarrierPolicy,
  options: BreakerBoardOptions = {},
): BreakerBoard {
  const breakers = new Map<string, AccountBreakers>();
  const events = options.events ?? silentEvents;

  function make(carrier: string, account: string, kind: BreakerKind): ClassifiedBreaker {
    return new ClassifiedBreaker({
      name: `${carrier}:${account}:${kind}`,
      carrier,
      account,
      settings: policyOf(carrier).breaker[kind],
      weightOf: kind === 'auth' ? authWeight : apiWeight,
      ...(kind === 'auth' ? { consecutiveTrip: NON_HEALING_TRIP } : {}),
      ...(kind === 'auth' && options.probePermit
        ? { probePermit: () => options.probePermit!(carrier, account) }
        : {}),
      ...(options.drive ? { drive: options.drive } : {}),
      ...(options.now ? { now: options.now } : {}),
      events: {
        stateChange: (state, lastFailure) =>
          events.emit({ type: 'breaker.changed', carrier, account, kind, state, lastFailure }),
      },
    });
  }

  function get(carrier: string, account: string): AccountBreakers {
    const key = `${carrier}\u0000${account}`;
    let pair = breakers.get(key);
    if (!pair) {
      // Created lazily, inside a request: Workers refuse timers at module scope.
      pair = { auth: make(carrier, account, 'auth'), api: make(carrier, account, 'api') };
      breakers.set(key, pair);
    }
    return pair;
  }

  const viewOf = (b: ClassifiedBreaker): BreakerView => ({
    state: b.state,
    ...b.stats,
    ...(b.openedAt !== undefined ? { openedAt: new Date(b.openedAt).toISOString() } : {}),
  });

  return {
    for: get,
    admits(carrier, account) {
      const pair = get(carrier, account);
      return pair.auth.admits && pair.api.admits;
    },
    view(carrier, account) {
      const pair = get(carrier, account);
      return { auth: viewOf(pair.auth), api: viewOf(pair.api) };
    },
    shutdown() {
      for (const pair of breakers.values()) {
        pair.auth.shutdown();
        pair.api.shutdown();
      }
      breakers.clear();
    },
  };
}
