/**
 * Shared pieces of the failover acceptance tests: request bodies, resilience policies with
 * small windows, and readers for what the gateway (GET /v1/carriers, breaker events) and the
 * simulators (stats) report.
 */
import type { BreakerView, CarriersResponse } from '../../src/domain/carriers-view.ts';
import type {
  BreakerKind,
  BreakerState,
  BreakerChangedEvent as BreakerStateChange,
} from '../../src/events/types.ts';
import type { BudgetSettings } from '../../src/resilience/budget.ts';
import {
  type BreakerSettings,
  type CarrierPolicy,
  DEFAULT_API_BREAKER,
  DEFAULT_AUTH_BREAKER,
  DEFAULT_TIMEOUTS,
} from '../../src/resilience/settings.ts';
import { ADDRESSES, type GatewayHarness } from '../support/gateway-harness.ts';

export const PARCEL = {
  weight: { value: 1.2, unit: 'kg' },
  dimensions: { length: 30, width: 20, height: 10, unit: 'cm' },
} as const;

/** A US domestic rate request; `carriers` names the carriers to ask (and so enables failover). */
export function rateBody(carriers?: readonly string[]): Record<string, unknown> {
  return {
    shipper: ADDRESSES.atlanta,
    recipient: ADDRESSES.newYork,
    parcels: [PARCEL],
    ...(carriers ? { carriers } : {}),
  };
}

/** A US domestic ground label (ZPL: every US carrier prints it), UPS by default. */
export function labelBody(reference: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    carrier: 'ups',
    serviceLevel: 'ground',
    format: 'ZPL',
    shipper: ADDRESSES.atlanta,
    recipient: ADDRESSES.newYork,
    parcels: [PARCEL],
    reference,
    ...extra,
  };
}

/** A budget so large it never limits (for tests whose subject is not the budget). */
export const AMPLE_BUDGET: BudgetSettings = { ratio: 1, minPerWindow: 10_000, windowMs: 60_000 };

/** The default policy with some breaker settings and timeouts replaced. */
export function policyWith(
  changes: {
    auth?: Partial<BreakerSettings>;
    api?: Partial<BreakerSettings>;
    timeouts?: Partial<CarrierPolicy['timeouts']>;
  } = {},
): Omit<CarrierPolicy, 'fallbacks'> {
  return {
    breaker: {
      auth: { ...DEFAULT_AUTH_BREAKER, ...changes.auth },
      api: { ...DEFAULT_API_BREAKER, ...changes.api },
    },
    timeouts: { ...DEFAULT_TIMEOUTS, ...changes.timeouts },
  };
}

export type AccountBreakers = { auth: BreakerView; api: BreakerView };

/** Every account's breakers as GET /v1/carriers reports them, keyed `carrier/account`. */
export async function breakerBoard(h: GatewayHarness): Promise<Record<string, AccountBreakers>> {
  const { status, body } = await h.request<CarriersResponse>('GET', '/v1/carriers');
  if (status !== 200) throw new Error(`GET /v1/carriers answered ${status}`);
  const board: Record<string, AccountBreakers> = {};
  for (const carrier of body.carriers)
    for (const account of carrier.accounts) board[`${carrier.id}/${account.id}`] = account.breakers;
  return board;
}

/** The breakers of a carrier's default (first) account, from GET /v1/carriers. */
export async function breakersOf(h: GatewayHarness, carrier: string): Promise<AccountBreakers> {
  const { body } = await h.request<CarriersResponse>('GET', '/v1/carriers');
  const account = body.carriers.find((c) => c.id === carrier)?.accounts[0];
  if (!account) throw new Error(`${carrier} is not configured`);
  return account.breakers;
}

/** Token-endpoint calls the carrier's simulator saw, all accounts together. */
export async function tokenCalls(h: GatewayHarness, carrier: string): Promise<number> {
  const stats = await h.control.stats(carrier);
  return Object.values(stats.tokenCalls).reduce((a, b) => a + b, 0);
}

/**
 * Records the gateway's breaker state changes (from its event stream) so a test can
 * wait for a transition instead of sleeping, and count transitions in a period.
 */
export function watchBreakers(h: GatewayHarness) {
  const seen: BreakerStateChange[] = [];
  const waiters: { match: (c: BreakerStateChange) => boolean; resolve: () => void }[] = [];
  h.composed.events.on('breaker.changed', (change) => {
    seen.push(change);
    for (const waiter of [...waiters]) {
      if (!waiter.match(change)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const matcher = (carrier: string, kind: BreakerKind, state: BreakerState) => (c: BreakerStateChange) =>
    c.carrier === carrier && c.kind === kind && c.state === state;
  return {
    /** How many times (so far) a carrier's breaker of this kind entered `state`. */
    count(carrier: string, kind: BreakerKind, state: BreakerState): number {
      return seen.filter(matcher(carrier, kind, state)).length;
    },
    /** Resolves at the next transition into `state`; rejects after a generous deadline (no hang). */
    next(carrier: string, kind: BreakerKind, state: BreakerState, deadlineMs = 10_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${carrier} ${kind} breaker did not become ${state}`)),
          deadlineMs,
        );
        waiters.push({
          match: matcher(carrier, kind, state),
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
