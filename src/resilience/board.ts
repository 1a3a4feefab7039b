/**
 * The breakers of every carrier account: an auth breaker (credential acquisition and
 * use-time refusals) and a separate API breaker (5xx, timeouts, connection errors).
 */
import type { BreakerView } from '../domain/carriers-view.ts';
import { isCarrierError } from '../domain/failure.ts';
import { type EventSink, silentEvents } from '../events/bus.ts';
import type { BreakerKind } from '../events/types.ts';
import { type BreakerState, ClassifiedBreaker, type LastFailure } from './breaker.ts';
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
  /** Accounts whose breakers are held (for tests and the scale benchmark). */
  size(): number;
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
  /**
   * An account's breakers unused this long, both closed with nothing but successes in their
   * windows, are dropped (default 10 minutes, longer than any window): a new pair created
   * on the next use decides the same. Open or half-open breakers are never dropped.
   */
  idleMs?: number;
}

export const DEFAULT_BREAKER_IDLE_MS = 10 * 60_000;
/** Oldest pairs looked at per new pair: eviction costs O(1) per creation, no timer. */
const SWEEP_PER_CREATE = 4;

interface Entry extends AccountBreakers {
  /** Seconds since the board started (a pair touched again within a second is not moved). */
  usedAt: number;
}

export function createBreakerBoard(
  policyOf: (carrier: string) => CarrierPolicy,
  options: BreakerBoardOptions = {},
): BreakerBoard {
  // Per carrier, oldest use first (a pair used again moves to the back): the sweep reads only the front.
  const breakers = new Map<string, Map<string, Entry>>();
  const events = options.events ?? silentEvents;
  const now = options.now ?? Date.now;
  const epoch = now();
  const idleS = Math.ceil((options.idleMs ?? DEFAULT_BREAKER_IDLE_MS) / 1000);

  // Shared by every breaker (each passes itself): no closure per breaker at tenant scale.
  const breakerEvents = {
    stateChange: (state: BreakerState, lastFailure: LastFailure | undefined, b: ClassifiedBreaker) =>
      events.emit({
        type: 'breaker.changed',
        carrier: b.carrier,
        account: b.account,
        kind: b.kind,
        state,
        lastFailure,
      }),
  };
  const permit = options.probePermit;
  const probePermit = permit ? (b: ClassifiedBreaker) => permit(b.carrier, b.account) : undefined;

  function make(carrier: string, account: string, kind: BreakerKind): ClassifiedBreaker {
    return new ClassifiedBreaker({
      carrier,
      account,
      kind,
      settings: policyOf(carrier).breaker[kind],
      weightOf: kind === 'auth' ? authWeight : apiWeight,
      ...(kind === 'auth' ? { consecutiveTrip: NON_HEALING_TRIP } : {}),
      ...(kind === 'auth' && probePermit ? { probePermit } : {}),
      ...(options.drive ? { drive: options.drive } : {}),
      ...(options.now ? { now: options.now } : {}),
      events: breakerEvents,
    });
  }

  /** Drops idle pairs from the front; a pair that is not idle goes to the back, as if used. */
  function sweep(pairs: Map<string, Entry>, at: number): void {
    let looked = 0;
    for (const [account, pair] of pairs) {
      if (looked++ >= SWEEP_PER_CREATE || at - pair.usedAt < idleS) return;
      pairs.delete(account);
      if (pair.auth.idle && pair.api.idle) {
        pair.auth.shutdown();
        pair.api.shutdown();
      } else {
        pair.usedAt = at;
        pairs.set(account, pair);
      }
    }
  }

  function get(carrier: string, account: string): AccountBreakers {
    // By carrier, then account: no key string per account. Seconds since the board started
    // stay small integers (no boxed number per pair).
    const at = Math.floor((now() - epoch) / 1000);
    let pairs = breakers.get(carrier);
    if (pairs === undefined) {
      pairs = new Map();
      breakers.set(carrier, pairs);
    }
    let pair = pairs.get(account);
    if (!pair) {
      sweep(pairs, at);
      // Created lazily, inside a request: Workers refuse timers at module scope. A new pair
      // holds no opossum breaker and no timer until it counts a failure (breaker.ts).
      pair = { auth: make(carrier, account, 'auth'), api: make(carrier, account, 'api'), usedAt: at };
      pairs.set(account, pair);
    } else if (at !== pair.usedAt) {
      pair.usedAt = at;
      pairs.delete(account);
      pairs.set(account, pair);
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
    size: () => {
      let n = 0;
      for (const pairs of breakers.values()) n += pairs.size;
      return n;
    },
    shutdown() {
      for (const pairs of breakers.values()) {
        for (const pair of pairs.values()) {
          pair.auth.shutdown();
          pair.api.shutdown();
        }
      }
      breakers.clear();
    },
  };
}
